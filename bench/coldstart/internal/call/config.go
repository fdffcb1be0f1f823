// Package call holds what the two cold-start programs (sdkcall and
// plaincall) share and what coldstart passes them: the flags naming the
// server, the keys and the order to query, and the CA pool they trust. It
// imports the standard library only, so that plaincall stays an SDK-free
// program.
package call

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
)

// Config is one profit-sharing order query against a server: where, with
// which keys and identities, and for which order.
type Config struct {
	// URL is the server's base URL.
	URL string
	// CAFile is a PEM file of the server's CA.
	CAFile string
	// KeyFile is the merchant private key (PKCS#8 PEM).
	KeyFile string
	// PubFile is the WeChat Pay public key (PEM).
	PubFile string
	// MchID is the merchant number.
	MchID string
	// Serial is the merchant certificate's serial.
	Serial string
	// PubID is the id of the WeChat Pay public key.
	PubID string
	// OutOrderNo, SubMchID and TransactionID name the order to query.
	OutOrderNo, SubMchID, TransactionID string
}

// flags binds c's fields to the flags of fs, their values as the defaults.
func (c *Config) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.URL, "url", c.URL, "server base URL")
	fs.StringVar(&c.CAFile, "ca", c.CAFile, "PEM file of the server's CA")
	fs.StringVar(&c.KeyFile, "key", c.KeyFile, "merchant private key PEM (PKCS#8)")
	fs.StringVar(&c.PubFile, "pub", c.PubFile, "WeChat Pay public key PEM")
	fs.StringVar(&c.MchID, "mchid", c.MchID, "merchant number")
	fs.StringVar(&c.Serial, "serial", c.Serial, "merchant certificate serial")
	fs.StringVar(&c.PubID, "pubid", c.PubID, "WeChat Pay public key id")
	fs.StringVar(&c.OutOrderNo, "order", c.OutOrderNo, "out_order_no")
	fs.StringVar(&c.SubMchID, "sub", c.SubMchID, "sub_mchid")
	fs.StringVar(&c.TransactionID, "tx", c.TransactionID, "transaction_id")
}

// Parse reads the command line args of the program called name.
func Parse(name string, args []string) (*Config, error) {
	c := &Config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c.flags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return c, nil
}

// Main is the main function of the program called name: it parses the
// command line and calls run with it; if either fails, it prints the error
// and exits with status 1.
func Main(name string, run func(context.Context, *Config) error) {
	c, err := Parse(name, os.Args[1:])
	if err == nil {
		err = run(context.Background(), c)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Args returns the command line that Parse reads back as c.
func (c *Config) Args() []string {
	fs, cp := flag.NewFlagSet("", flag.ContinueOnError), *c
	cp.flags(fs)
	var args []string
	fs.VisitAll(func(f *flag.Flag) { args = append(args, "-"+f.Name, f.Value.String()) })
	return args
}

// RootCAs returns a pool holding the certificates of c.CAFile.
func (c *Config) RootCAs() (*x509.CertPool, error) {
	caPEM, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("no CA certificate in " + c.CAFile)
	}
	return pool, nil
}
