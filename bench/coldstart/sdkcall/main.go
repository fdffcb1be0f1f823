// Command sdkcall is the SDK side of the cold-start measurement: it loads
// the merchant key and the WeChat Pay public key from PEM files, builds a
// client and makes one profit-sharing query, then exits.
package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/profitsharing"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkcall:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sdkcall", flag.ContinueOnError)
	base := fs.String("url", "", "server base URL")
	caFile := fs.String("ca", "", "PEM file of the server's CA")
	keyFile := fs.String("key", "", "merchant private key PEM")
	pubFile := fs.String("pub", "", "WeChat Pay public key PEM")
	mchID := fs.String("mchid", "", "merchant number")
	serial := fs.String("serial", "", "merchant certificate serial")
	pubID := fs.String("pubid", "", "WeChat Pay public key id")
	order := fs.String("order", "", "out_order_no")
	sub := fs.String("sub", "", "sub_mchid")
	tx := fs.String("tx", "", "transaction_id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	keyPEM, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	pub, err := wxcrypto.LoadPublicKeyFile(*pubFile)
	if err != nil {
		return err
	}
	caPEM, err := os.ReadFile(*caFile)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return errors.New("no CA certificate in " + *caFile)
	}
	c, err := wechatpay.NewClient(
		wechatpay.WithMerchantPEM(*mchID, *serial, keyPEM),
		wechatpay.WithPublicKey(*pubID, pub),
		wechatpay.WithBaseURL(*base),
		wechatpay.WithRootCAs(pool),
	)
	if err != nil {
		return err
	}
	defer c.Close()
	o, err := profitsharing.New(c).QueryOrder(ctx, &profitsharing.QueryOrderRequest{OutOrderNo: *order, SubMchID: *sub, TransactionID: *tx})
	if err != nil {
		return err
	}
	if o.OutOrderNo != *order {
		return errors.New("wrong order in the answer")
	}
	return nil
}
