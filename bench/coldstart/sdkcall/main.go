// Command sdkcall is the SDK side of the cold-start measurement: it loads
// the merchant key and the WeChat Pay public key from PEM files, builds a
// client and makes one profit-sharing query, then exits.
package main

import (
	"context"
	"errors"
	"os"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/bench/coldstart/internal/call"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/profitsharing"
)

func main() {
	call.Main("sdkcall", run)
}

// run makes the query of cfg with the SDK and checks the order in its
// answer.
func run(ctx context.Context, cfg *call.Config) error {
	keyPEM, err := os.ReadFile(cfg.KeyFile)
	if err != nil {
		return err
	}
	pub, err := wxcrypto.LoadPublicKeyFile(cfg.PubFile)
	if err != nil {
		return err
	}
	pool, err := cfg.RootCAs()
	if err != nil {
		return err
	}
	c, err := wechatpay.NewClient(
		wechatpay.WithMerchantPEM(cfg.MchID, cfg.Serial, keyPEM),
		wechatpay.WithPublicKey(cfg.PubID, pub),
		wechatpay.WithBaseURL(cfg.URL),
		wechatpay.WithRootCAs(pool),
	)
	if err != nil {
		return err
	}
	defer c.Close()
	o, err := profitsharing.New(c).QueryOrder(ctx, &profitsharing.QueryOrderRequest{OutOrderNo: cfg.OutOrderNo, SubMchID: cfg.SubMchID, TransactionID: cfg.TransactionID})
	if err != nil {
		return err
	}
	if o.OutOrderNo != cfg.OutOrderNo {
		return errors.New("wrong order in the answer")
	}
	return nil
}
