package wechatpaytest

import (
	"net/http"
	"net/url"
)

// serveTransferQueryReceiptByOutBillNo answers 商户单号查询电子回单 (see
// transferQueryReceipt).
func (s *Server) serveTransferQueryReceiptByOutBillNo(r *V3Request) (int, any) {
	return s.transferQueryReceipt(r, "out_bill_no", 32, false)
}

// serveTransferQueryReceiptByTransferBillNo answers 微信单号查询电子回单
// (see transferQueryReceipt).
func (s *Server) serveTransferQueryReceiptByTransferBillNo(r *V3Request) (int, any) {
	return s.transferQueryReceipt(r, "transfer_bill_no", 64, true)
}

// transferQueryReceipt answers a receipt query by the path parameter name
// (at most max letters and digits; 400 PARAM_ERROR): the receipt one step
// on (see queryReceipt), a FINISHED one with its SHA256 digest and a
// download_url on the emulator itself; 404 NOT_FOUND for an unknown bill
// or receipt.
func (s *Server) transferQueryReceipt(r *V3Request, name string, max int, byTransferNo bool) (int, any) {
	no := r.PathValue(name)
	if e := checkFields("path", alnumNo(name, no, max)); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	b, e := s.receiptBill(no, byTransferNo)
	var rc transferReceipt
	if e == nil {
		rc, e = s.queryReceipt(b)
	}
	s.mu.Unlock()
	if e != nil {
		return e.Answer()
	}
	var hashType, hashValue, downloadURL string
	if rc.State == "FINISHED" {
		hashType, hashValue = "SHA256", transferReceiptDigest()
		downloadURL = s.URL + string(APITransferDownloadReceipt)[4:] + "?" + url.Values{"token": {rc.token}, "source": {"elecsign"}}.Encode()
	}
	return http.StatusOK, struct {
		State       string `json:"state"`
		CreateTime  string `json:"create_time"`
		UpdateTime  string `json:"update_time"`
		HashType    string `json:"hash_type,omitempty"`
		HashValue   string `json:"hash_value,omitempty"`
		DownloadURL string `json:"download_url,omitempty"`
		FailReason  string `json:"fail_reason,omitempty"`
	}{rc.State, rfc3339(rc.CreateTime), rfc3339(rc.UpdateTime), hashType, hashValue, downloadURL, rc.FailReason}
}
