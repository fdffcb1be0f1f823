package bench

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
)

// The write call of aggracct beside Punish: the special-reduction
// creation, a POST with an OAEP-encrypted body field whose answer carries
// an OAEP-encrypted field to decrypt.

func createSpecialReduction(td *loopback.Testdata, c *wechatpay.Client) func(ctx context.Context) error {
	s := aggracct.New(c)
	return func(ctx context.Context) error {
		r, err := s.CreateSpecialReduction(ctx, &aggracct.CreateSpecialReductionRequest{
			MchID: td.MchID, BalAccountNo: td.BalAccountNo, OutRequestNo: loopback.OutRequestNo,
			ReductionType: aggracct.ReductionTypeJudicialDeduction, Amount: 1, Reason: "司法案件号:202508080009",
		})
		if err == nil && r.BalAccountNo != td.BalAccountNo {
			err = errors.New("bench: wrong bal_account_no decrypted")
		}
		return err
	}
}

// BenchmarkCreateSpecialReduction is the typed special-reduction POST:
// an OAEP-encrypted body field, a POST, and a decrypted answer field;
// floor: FloorReductionPost.
func BenchmarkCreateSpecialReduction(b *testing.B) {
	e := getEnv(b)
	bench(b, e.v3, false, createSpecialReduction(e.td, e.sdk))
}

// postReduction is the special-reduction creation at the floor: encrypt
// the ledger number, build the JSON body, sign, POST, verify, decrypt the
// answer's field (the committed ciphertext the server returns).
func (f *floor) postReduction(ctx context.Context) error {
	ct, err := f.encrypt(f.td.BalAccountNo)
	if err != nil {
		return err
	}
	body := []byte(`{"mchid":"` + f.td.MchID + `","bal_account_no":"` + ct + `","out_request_no":"` + loopback.OutRequestNo +
		`","reduction_type":"JUDICIAL_DEDUCTION","amount":1,"reason":"司法案件号:202508080009"}`)
	if _, err := f.do(ctx, http.MethodPost, loopback.PathCreateSpecialReduction, body); err != nil {
		return err
	}
	return f.decryptBalAccount()
}

// BenchmarkFloorReductionPost is one OAEP encryption, a JSON body, sign +
// POST + verify, and one OAEP decryption: the floor of
// CreateSpecialReduction.
func BenchmarkFloorReductionPost(b *testing.B) {
	benchFloor(b, getEnv(b).v3, false, (*floor).postReduction)
}
