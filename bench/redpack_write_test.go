package bench

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
	"github.com/gowechatpay/wechatpay/redpack"
)

// benchWeComSecret is the WeCom payment secret of the benchmarks (the
// loopback server does not check workwx_sign).
const benchWeComSecret = "TestOnlyWeComPaySecret0123456789"

// sendWorkWxParams are the business parameters of the benchmarked send.
func sendWorkWxParams(td *loopback.Testdata) map[string]string {
	return map[string]string{
		"mch_billno": loopback.SendBillNo, "mch_id": td.MchID, "wxappid": td.AppID,
		"sender_name": "XX活动", "re_openid": "oxTWIuGaIt6gTKsQRLau2M0yL16E", "total_amount": "1000",
		"wishing": "感谢您参加猜灯谜活动，祝您元宵节快乐！", "act_name": "猜灯谜抢红包活动", "remark": "猜越多得越多，快来抢！",
	}
}

func redpackSendWorkWx(td *loopback.Testdata, c *wechatpay.Client) func(ctx context.Context) error {
	s := redpack.New(c, redpack.WithWorkWxSecret(benchWeComSecret))
	p := sendWorkWxParams(td)
	req := &redpack.SendWorkWxRequest{
		MchBillNo: p["mch_billno"], MchID: p["mch_id"], WxAppID: p["wxappid"], SenderName: p["sender_name"],
		ReOpenID: p["re_openid"], TotalAmount: 1000, Wishing: p["wishing"], ActName: p["act_name"], Remark: p["remark"],
	}
	return func(ctx context.Context) error {
		_, err := s.SendWorkWx(ctx, req)
		return err
	}
}

// BenchmarkRedpackSendWorkWx is the typed WeCom red-packet send (a v2 POST:
// workwx_sign and MD5 sign, XML, mutual TLS, signed reply); floor:
// FloorV2Send.
func BenchmarkRedpackSendWorkWx(b *testing.B) {
	e := getEnv(b)
	bench(b, e.v2, false, redpackSendWorkWx(e.td, e.sdkV2))
}

// v2SendFloor is a minimal standard-library client of the WeCom send: the
// workwx_sign and the MD5 sign, XML by concatenation, POST over mutual
// TLS, XML parse, MD5 check of the reply.
type v2SendFloor struct {
	td  *loopback.Testdata
	hc  *http.Client
	url string
}

func (f *v2SendFloor) call(ctx context.Context) error {
	params := sendWorkWxParams(f.td)
	params["nonce_str"] = floorNonce()
	var ws strings.Builder
	for _, k := range [...]string{"act_name", "mch_billno", "mch_id", "nonce_str", "re_openid", "total_amount", "wxappid"} {
		ws.WriteString(k + "=" + params[k] + "&")
	}
	ws.WriteString("secret=" + benchWeComSecret)
	sum := md5.Sum([]byte(ws.String()))
	params["workwx_sign"] = strings.ToUpper(hex.EncodeToString(sum[:]))
	params["sign"] = md5Sign(params, f.td.APIv2Key)
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "sign" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var body strings.Builder
	body.WriteString("<xml>")
	for _, k := range append(keys, "sign") {
		body.WriteString("<" + k + "><![CDATA[" + params[k] + "]]></" + k + ">")
	}
	body.WriteString("</xml>")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, strings.NewReader(body.String()))
	if err != nil {
		return err
	}
	req.Header["Content-Type"] = []string{"text/xml; charset=utf-8"}
	resp, err := f.hc.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	fields, err := parseV2(data)
	if err != nil {
		return err
	}
	if md5Sign(fields, f.td.APIv2Key) != fields["sign"] || fields["result_code"] != "SUCCESS" || fields["send_listid"] == "" {
		return errors.New("v2 send reply does not verify")
	}
	return nil
}

// BenchmarkFloorV2Send is the floor of a v2 send: BenchmarkFloorV2 with
// the send's parameters and its second (workwx) sign.
func BenchmarkFloorV2Send(b *testing.B) {
	e := getEnv(b)
	cert := merchantTLSCert(e)
	f := &v2SendFloor{td: e.td, hc: &http.Client{Transport: floorTransport(e.v2, cert)}, url: e.v2.URL + loopback.PathSendWorkWx}
	defer f.hc.CloseIdleConnections()
	runSeq(b, e.v2, f.call)
}
