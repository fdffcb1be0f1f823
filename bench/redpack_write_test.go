package bench

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"errors"
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

// sendParams are the business parameters of the benchmarked cash
// red-packet send (total_num is the SDK's own, always 1).
func sendParams(td *loopback.Testdata) map[string]string {
	return map[string]string{
		"mch_billno": loopback.SendBillNo, "mch_id": td.MchID, "wxappid": td.AppID, "send_name": "XX活动",
		"re_openid": "oxTWIuGaIt6gTKsQRLau2M0yL16E", "total_amount": "1000", "total_num": "1", "client_ip": "192.168.0.1",
		"wishing": "感谢您参加猜灯谜活动，祝您元宵节快乐！", "act_name": "猜灯谜抢红包活动", "remark": "猜越多得越多，快来抢！",
	}
}

func redpackSend(td *loopback.Testdata, c *wechatpay.Client) func(ctx context.Context) error {
	s := redpack.New(c)
	p := sendParams(td)
	req := &redpack.SendRequest{
		MchBillNo: p["mch_billno"], MchID: p["mch_id"], WxAppID: p["wxappid"], SendName: p["send_name"], ReOpenID: p["re_openid"],
		TotalAmount: 1000, ClientIP: p["client_ip"], Wishing: p["wishing"], ActName: p["act_name"], Remark: p["remark"],
	}
	return func(ctx context.Context) error {
		_, err := s.Send(ctx, req)
		return err
	}
}

// BenchmarkRedpackSend is the typed cash red-packet send (sendredpack: a
// v2 POST, MD5 sign, XML, mutual TLS, signed reply); floor:
// FloorV2SendRedpack.
func BenchmarkRedpackSend(b *testing.B) {
	e := getEnv(b)
	bench(b, e.v2, false, redpackSend(e.td, e.sdkV2))
}

// queryHBParams are the parameters of the benchmarked cash red-packet
// query (bill_type is the SDK's own, always MCHT).
func queryHBParams(td *loopback.Testdata) map[string]string {
	return map[string]string{"mch_billno": loopback.QueryHBBillNo, "mch_id": td.MchID, "appid": td.AppID, "bill_type": "MCHT"}
}

func redpackQueryHB(td *loopback.Testdata, c *wechatpay.Client) func(ctx context.Context) error {
	s := redpack.New(c)
	req := &redpack.QueryRequest{MchBillNo: loopback.QueryHBBillNo, MchID: td.MchID, AppID: td.AppID}
	return func(ctx context.Context) error {
		p, err := s.Query(ctx, req)
		if err == nil && len(p.Receipts) != 2 {
			err = errors.New("bench: wrong red packet decoded")
		}
		return err
	}
}

// BenchmarkRedpackQueryHB is the typed cash red-packet query (gethbinfo:
// a v2 POST, MD5 sign, XML, mutual TLS, signed reply whose <hblist> of
// receipts is decoded into the answer); floor: FloorV2QueryHB.
func BenchmarkRedpackQueryHB(b *testing.B) {
	e := getEnv(b)
	bench(b, e.v2, false, redpackQueryHB(e.td, e.sdkV2))
}

// v2SendFloor is a minimal standard-library client of a v2 call whose
// parameters it signs (MD5) and writes in key order: XML by
// concatenation, POST over mutual TLS, XML parse, MD5 check of the reply
// and of the field want in it. The WeCom send adds its workwx_sign; the
// query of a red packet decodes its <hblist> with encoding/xml, as the
// floor of a list whose items the answer holds.
type v2SendFloor struct {
	td     *loopback.Testdata
	hc     *http.Client
	url    string
	params func(*loopback.Testdata) map[string]string
	workwx bool   // add the WeCom send's workwx_sign
	want   string // a field the reply must carry
	list   bool   // decode the reply's <hblist>
}

// newV2SendFloor is the floor of the v2 call at path on the v2 server.
func newV2SendFloor(e *env, path string) *v2SendFloor {
	f := &v2SendFloor{td: e.td, hc: &http.Client{Transport: floorTransport(e.v2, merchantTLSCert(e))}, url: e.v2.URL + path}
	switch path {
	case loopback.PathSendWorkWx:
		f.params, f.workwx, f.want = sendWorkWxParams, true, "send_listid"
	case loopback.PathSend:
		f.params, f.want = sendParams, "send_listid"
	case loopback.PathQueryHB:
		f.params, f.want, f.list = queryHBParams, "detail_id", true
	}
	return f
}

// hbList is what the query's floor decodes of the receipts.
type hbList struct {
	Items []struct {
		OpenID  string `xml:"openid"`
		Amount  int64  `xml:"amount"`
		RcvTime string `xml:"rcv_time"`
	} `xml:"hblist>hbinfo"`
}

func (f *v2SendFloor) call(ctx context.Context) error {
	params := f.params(f.td)
	params["nonce_str"] = floorNonce()
	if f.workwx {
		var ws strings.Builder
		for _, k := range [...]string{"act_name", "mch_billno", "mch_id", "nonce_str", "re_openid", "total_amount", "wxappid"} {
			ws.WriteString(k + "=" + params[k] + "&")
		}
		ws.WriteString("secret=" + benchWeComSecret)
		sum := md5.Sum([]byte(ws.String()))
		params["workwx_sign"] = strings.ToUpper(hex.EncodeToString(sum[:]))
	}
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
	data, err := postV2(ctx, f.hc, f.url, body.String())
	if err != nil {
		return err
	}
	fields, err := parseV2(data)
	if err != nil {
		return err
	}
	if md5Sign(fields, f.td.APIv2Key) != fields["sign"] || fields["result_code"] != "SUCCESS" || fields[f.want] == "" {
		return errors.New("v2 reply does not verify")
	}
	if f.list {
		var l hbList
		if err := xml.Unmarshal(data, &l); err != nil || len(l.Items) != 2 {
			return errors.New("v2 reply: wrong hblist")
		}
	}
	return nil
}

// BenchmarkFloorV2Send is the floor of a v2 send: BenchmarkFloorV2 with
// the send's parameters and its second (workwx) sign.
func BenchmarkFloorV2Send(b *testing.B) { benchV2SendFloor(b, loopback.PathSendWorkWx) }

// BenchmarkFloorV2SendRedpack is the floor of the cash red-packet send:
// BenchmarkFloorV2 with the send's parameters.
func BenchmarkFloorV2SendRedpack(b *testing.B) { benchV2SendFloor(b, loopback.PathSend) }

// BenchmarkFloorV2QueryHB is the floor of the cash red-packet query:
// BenchmarkFloorV2 with its parameters, the reply's <hblist> taken whole
// into the signed fields and its receipts decoded with encoding/xml.
func BenchmarkFloorV2QueryHB(b *testing.B) { benchV2SendFloor(b, loopback.PathQueryHB) }

func benchV2SendFloor(b *testing.B, path string) {
	e := getEnv(b)
	f := newV2SendFloor(e, path)
	defer f.hc.CloseIdleConnections()
	bench(b, e.v2, false, f.call)
}
