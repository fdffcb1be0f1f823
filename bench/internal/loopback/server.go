package loopback

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/v2xml"
)

// The fixture the server answers for: ids and paths of the four APIs
// (the profit-sharing write and the transfer bill have their own files).
const (
	// OutRequestNo is the special-reduction number.
	OutRequestNo = "htozr8denqegbt6tk6u10iymo7yww5pn"
	// PathSpecialReduction is the special-reduction query path.
	PathSpecialReduction = "/v3/aggracct-bc/wb-channel/special-reduction/" + OutRequestNo
	// PathPunish is the punish path.
	PathPunish = "/v3/aggracct-bc/wb-channel/control-orders/punish"
	// PunishNo is the control-order number of the punish request.
	PunishNo = "WBPUNISH20251009000001"
	// PathCreateSpecialReduction is the special-reduction creation path
	// (answered with the special-reduction query's answer).
	PathCreateSpecialReduction = "/v3/aggracct-bc/wb-channel/special-reduction"
	// OutOrderNo, TransactionID and SubMchID identify the profit-sharing
	// order.
	OutOrderNo    = "P20150806125346"
	TransactionID = "4208450740201411110007820472"
	SubMchID      = "1900000109"
	// PathProfitSharing is the profit-sharing order query path.
	PathProfitSharing = "/v3/global/profit-sharing/orders/" + OutOrderNo
	// PathRedpack is the v2 red-packet query path.
	PathRedpack = "/mmpaymkttransfers/queryworkwxredpack"
	// PathSendWorkWx is the v2 WeCom red-packet send path, and SendBillNo
	// the bill number its answer carries.
	PathSendWorkWx = "/mmpaymkttransfers/sendworkwxredpack"
	SendBillNo     = "10000098202612010000000001"
	// PathSend is the v2 cash red-packet send path (redpack.Send); its
	// answer carries SendBillNo too.
	PathSend = "/mmpaymkttransfers/sendredpack"
	// PathQueryHB is the v2 cash red-packet query path (redpack.Query,
	// gethbinfo), whose answer lists the receipts in <hblist>.
	PathQueryHB = "/mmpaymkttransfers/gethbinfo"
)

// ResignInterval is how often the server signs its answers again, well
// inside the five-minute window clients enforce, so that long runs keep
// verifying.
const ResignInterval = 4 * time.Minute

// Options configure a Server.
type Options struct {
	// MutualTLS makes the server require a client certificate (any), as
	// the v2 secure endpoints do. The certificate is not verified.
	MutualTLS bool
	// HTTP2 lets the server negotiate HTTP/2; otherwise it speaks
	// HTTP/1.1 only.
	HTTP2 bool
	// Plain serves cleartext HTTP/1.1 instead of TLS: the set-up of the
	// issue's own floor figures, which carry no TLS record costs.
	Plain bool
}

// Server answers the fixture routes with pre-signed responses. It never
// verifies requests: its per-request cost is a map lookup and a write.
type Server struct {
	// URL is the base URL, https://127.0.0.1:PORT.
	URL string

	ts     *httptest.Server
	td     *Testdata
	routes map[string]*route
	conns  atomic.Int64
	stop   chan struct{}
	wg     sync.WaitGroup
}

type route struct {
	method string
	body   []byte
	signed bool
	header atomic.Pointer[http.Header]
}

// New starts a server answering the fixture routes of td.
func New(td *Testdata, opts Options) (*Server, error) {
	s := &Server{td: td, stop: make(chan struct{})}
	s.routes = map[string]*route{
		PathSpecialReduction:       {method: http.MethodGet, body: SpecialReductionBody(td), signed: true},
		PathCreateSpecialReduction: {method: http.MethodPost, body: SpecialReductionBody(td), signed: true},
		PathPunish:                 {method: http.MethodPost, body: []byte(`{"wxpay_punish_no":"1000000000202510090000000001","out_request_no":"` + PunishNo + `"}`), signed: true},
		PathProfitSharing:          {method: http.MethodGet, body: []byte(profitSharingBody), signed: true},
		PathRedpack:                {method: http.MethodPost, body: td.V2ReplyXML},
	}
	s.routes[PathProfitSharingOrders] = &route{method: http.MethodPost, body: []byte(createOrderBody), signed: true}
	s.routes[PathTransferBills] = &route{method: http.MethodPost, body: []byte(createBillBody), signed: true}
	bill, err := QueryBillBody(td)
	if err != nil {
		return nil, err
	}
	s.routes[PathTransferBillByOutNo] = &route{method: http.MethodGet, body: bill, signed: true}
	for path, reply := range map[string]func(*Testdata) ([]byte, error){PathSendWorkWx: SendWorkWxReply, PathSend: SendReply, PathQueryHB: QueryHBReply} {
		body, err := reply(td)
		if err != nil {
			return nil, err
		}
		s.routes[path] = &route{method: http.MethodPost, body: body}
	}
	if err := s.sign(); err != nil {
		return nil, err
	}
	ts := httptest.NewUnstartedServer(s)
	ts.EnableHTTP2 = opts.HTTP2
	if opts.MutualTLS {
		ts.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	}
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // aborted handshakes of closing clients
	if opts.Plain {
		ts.Start()
	} else {
		ts.StartTLS()
	}
	s.ts, s.URL = ts, ts.URL
	s.wg.Add(1)
	go s.resignLoop()
	return s, nil
}

// SendWorkWxReply is the answer of the WeCom red-packet send: a SUCCESS
// for SendBillNo, signed (MD5) with the APIv2 key.
func SendWorkWxReply(td *Testdata) ([]byte, error) {
	fields := sendFields(td)
	fields["sender_name"] = "XX活动"
	return signedV2(td, fields)
}

// SendReply is the answer of the cash red-packet send (sendredpack): a
// SUCCESS for SendBillNo, signed (MD5) with the APIv2 key.
func SendReply(td *Testdata) ([]byte, error) { return signedV2(td, sendFields(td)) }

// QueryHBBillNo is the bill number of the gethbinfo answer.
const QueryHBBillNo = "10000098201411111234567890"

// QueryHBReply is the answer of the cash red-packet query (gethbinfo), the
// documented example: a RECEIVED group packet of two receipts in
// <hblist>, signed (MD5) over its fields, hblist as its inner XML.
func QueryHBReply(td *Testdata) ([]byte, error) {
	fields := map[string]string{
		"return_code": "SUCCESS", "return_msg": "OK", "result_code": "SUCCESS",
		"mch_billno": QueryHBBillNo, "mch_id": td.MchID, "detail_id": "10000417012016080830956240040",
		"status": "RECEIVED", "send_type": "ACTIVITY", "hb_type": "GROUP", "total_num": "2", "total_amount": "200",
		"send_time": "2016-08-08 21:49:22", "wishing": "新年快乐", "remark": "新年快乐", "act_name": "新年红包",
		"hblist": "<hbinfo><openid><![CDATA[oxTWIuGaIt6gTKsQRLau2M0yL16E]]></openid><amount>100</amount><rcv_time><![CDATA[2016-08-08 21:49:46]]></rcv_time></hbinfo>" +
			"<hbinfo><openid><![CDATA[ohO4GtzKMuT9yVbaJY-9CLGkDpLk]]></openid><amount>100</amount><rcv_time><![CDATA[2016-08-08 21:50:01]]></rcv_time></hbinfo>",
	}
	return signedV2(td, fields, "hblist")
}

// sendFields are the fields of a send's SUCCESS answer for SendBillNo.
func sendFields(td *Testdata) map[string]string {
	return map[string]string{
		"return_code": "SUCCESS", "return_msg": "ok", "result_code": "SUCCESS",
		"mch_billno": SendBillNo, "mch_id": td.MchID, "wxappid": td.AppID, "re_openid": "oxTWIuGaIt6gTKsQRLau2M0yL16E",
		"total_amount": "1000", "send_listid": "1000041701202512010000000000001",
	}
}

// signedV2 is the v2 document of fields, signed (MD5) with the APIv2 key;
// the values of the fields named in nested are inner XML.
func signedV2(td *Testdata, fields map[string]string, nested ...string) ([]byte, error) {
	sign, err := wxcrypto.SignV2(fields, td.APIv2Key, wxcrypto.SignTypeMD5)
	if err != nil {
		return nil, err
	}
	fields["sign"] = sign
	return v2xml.EncodeNested(fields, nested...)
}

// SpecialReductionBody is the special-reduction answer: a SUCCESS whose
// bal_account_no is the committed ciphertext for the merchant key, so a
// client really decrypts it.
func SpecialReductionBody(td *Testdata) []byte {
	return []byte(`{"mchid":"` + td.MchID + `","bal_account_no":"` + td.BalAccountForMerchant +
		`","out_request_no":"` + OutRequestNo + `","reduction_type":"JUDICIAL_DEDUCTION","amount":1,"state":"SUCCESS",` +
		`"reason":"司法案件号:202508080009","quota_change_no":"m6a6dx8iit7m932dx03ue2lw2ofo2r88","success_time":"2015-05-20T13:29:35+08:00"}`)
}

// profitSharingBody is the documented example answer of the profit-sharing
// query, with the request's ids.
const profitSharingBody = `{"order_id":"7100000751202203238026613597498","out_order_no":"` + OutOrderNo + `","receivers":[` +
	`{"account":"999952224","amount":797,"create_time":"2022-03-23T17:10:13+08:00","currency":"CNY","description":"Unfreeze the remaining funds to sponsor","detail_id":"7200000751202203238026613597602","detail_type":"UNFREEZE_TO_SPONSOR","rate_value":83640300,"result":"PENDING","settlement_amount":952,"settlement_currency":"HKD","type":"MERCHANT_ID"},` +
	`{"account":"of8YZ6LPmjDmYAqdobIvwTdQQjR8","amount":99,"create_time":"2022-03-23T17:10:13+08:00","currency":"CNY","description":"Distribute to xxx user-10%","detail_id":"7200000751202203238026613597699","detail_type":"DISTRIBUTE_TO_OTHERS","result":"PENDING","type":"PERSONAL_OPENID"},` +
	`{"account":"2480248971","amount":99,"create_time":"2022-03-23T17:10:13+08:00","currency":"CNY","description":"Distribute to xxx merchant-10%","detail_id":"7200000751202203238026613597767","detail_type":"DISTRIBUTE_TO_OTHERS","result":"PENDING","type":"MERCHANT_ID"}` +
	`],"state":"PROCESSING","sub_mchid":"` + SubMchID + `","transaction_id":"` + TransactionID + `"}`

// sign (re)computes the headers of every route.
func (s *Server) sign() error {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	for _, rt := range s.routes {
		h := http.Header{
			"Content-Length": {strconv.Itoa(len(rt.body))},
			"Request-Id":     {"08F78BB5AF0610D302A0A8D4C41A0000" + ts},
		}
		if !rt.signed {
			h["Content-Type"] = []string{"text/plain; charset=utf-8"}
			rt.header.Store(&h)
			continue
		}
		var raw [16]byte
		_, _ = rand.Read(raw[:])
		nonce := hex.EncodeToString(raw[:])
		msg := []byte(ts + "\n" + nonce + "\n" + string(rt.body) + "\n")
		sig, err := wxcrypto.SignSHA256WithRSA(s.td.WechatpayKey, msg)
		if err != nil {
			return fmt.Errorf("loopback: signing a response: %w", err)
		}
		h["Content-Type"] = []string{"application/json; charset=utf-8"}
		h["Wechatpay-Timestamp"] = []string{ts}
		h["Wechatpay-Nonce"] = []string{nonce}
		h["Wechatpay-Signature"] = []string{sig}
		h["Wechatpay-Serial"] = []string{s.td.PubKeyID}
		h["Wechatpay-Signature-Type"] = []string{"WECHATPAY2-SHA256-RSA2048"}
		rt.header.Store(&h)
	}
	return nil
}

func (s *Server) resignLoop() {
	defer s.wg.Done()
	t := time.NewTicker(ResignInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			_ = s.sign() // the test key always signs
		}
	}
}

// ServeHTTP answers a fixture route with its pre-signed response and
// anything else with 404. The request is read but never checked.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	rt := s.routes[r.URL.Path]
	if rt == nil || rt.method != r.Method {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	for k, v := range *rt.header.Load() {
		h[k] = v
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(rt.body)
}

// NewConnections returns the number of connections accepted so far: the
// clients' dials.
func (s *Server) NewConnections() int64 { return s.conns.Load() }

// RootCAs returns a pool trusting the server's certificate.
func (s *Server) RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	if c := s.ts.Certificate(); c != nil {
		pool.AddCert(c)
	}
	return pool
}

// CertificatePEM returns the server's certificate as PEM, for processes
// that must trust it.
func (s *Server) CertificatePEM() []byte {
	if s.ts.Certificate() == nil {
		return nil // cleartext
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ts.Certificate().Raw})
}

// Close stops the server and waits for in-flight requests.
func (s *Server) Close() {
	close(s.stop)
	s.wg.Wait()
	s.ts.Close()
}
