package wechatpaytest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"time"
)

// serveProfitSharingQueryBillDownloadURL answers a bill URL: bill_date (YYYY-MM-DD,
// within the last 90 days, not in the future; else 400 INVALID_REQUEST),
// then a download_url on the emulator itself whose token is valid for 30
// seconds.
func (s *Server) serveProfitSharingQueryBillDownloadURL(r *V3Request) (int, any) {
	return s.serveBillURL(r, false)
}

// serveBillURL answers the URL of the distribution bill, or of the refund
// bill (B12).
func (s *Server) serveBillURL(r *V3Request, refund bool) (int, any) {
	q := r.URL.Query()
	subMchID, date := q.Get("sub_mchid"), q.Get("bill_date")
	if e := checkFields("query", field{name: "sub_mchid", value: subMchID, max: 32},
		field{name: "bill_date", value: date, required: true}); e != nil {
		return e.Answer()
	}
	day, err := time.ParseInLocation(time.DateOnly, date, beijing)
	if err != nil {
		return paramError("bill_date", "query", "not a YYYY-MM-DD date").Answer()
	}
	now := s.now()
	today := now.In(beijing)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, beijing)
	if day.After(today) || day.Before(today.AddDate(0, 0, -90)) {
		return invalidRequest("只能下载最近 90 天的账单").Answer()
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	s.mu.Lock()
	for t, bill := range s.ps.bills { // forget the expired tokens
		if now.After(bill.expires) {
			delete(s.ps.bills, t)
		}
	}
	s.ps.bills[token] = psBill{subMchID: subMchID, date: date, expires: now.Add(psBillTTL), refund: refund}
	s.mu.Unlock()
	return http.StatusOK, struct {
		DownloadURL string `json:"download_url"`
	}{s.URL + "/v3/bill/downloadurl?" + url.Values{"token": {token}}.Encode()}
}
