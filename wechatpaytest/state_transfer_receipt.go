package wechatpaytest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// transferReceipt is the electronic receipt (电子回单) of one bill.
type transferReceipt struct {
	State, FailReason      string
	CreateTime, UpdateTime time.Time
	token                  string    // of the current download_url
	expires                time.Time // of token
}

// Receipt periods on the emulator's clock: a bill older than six months
// gets no receipt, a receipt is valid 90 days (then a new application
// starts again), its download_url 10 minutes.
const (
	transferReceiptBillAge  = 180 * 24 * time.Hour
	transferReceiptValidity = 90 * 24 * time.Hour
	transferReceiptURLTTL   = 10 * time.Minute
)

// transferReceiptPDF is the file of every emulated receipt.
var transferReceiptPDF = []byte("%PDF-1.4\n% wechatpaytest: 商家转账电子回单\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// receiptBill returns the bill of out_bill_no, or of transfer_bill_no
// when byTransferNo, whatever its age: 404 NOT_FOUND when unknown. The
// caller holds s.mu.
func (s *Server) receiptBill(no string, byTransferNo bool) (*transferBill, *ErrorAnswer) {
	if byTransferNo {
		no = s.transfer.byNo[no]
	}
	b, ok := s.transfer.bills[no]
	if !ok {
		_, e := V3Error(http.StatusNotFound, "NOT_FOUND", "转账单不存在")
		return nil, e
	}
	return b, nil
}

// applyReceipt starts the receipt of b (GENERATING), or answers the
// current one; a new one after 90 days. A bill that is not SUCCESS, was
// created without user_name or is older than six months is 400
// INVALID_REQUEST. The caller holds s.mu.
func (s *Server) applyReceipt(b *transferBill) (transferReceipt, *ErrorAnswer) {
	now := s.now()
	switch {
	case b.State != "SUCCESS":
		return transferReceipt{}, invalidRequest("转账单未成功, 不可申请电子回单")
	case b.UserName == "":
		return transferReceipt{}, invalidRequest("转账时未传收款用户姓名, 不可申请电子回单")
	case !now.Before(b.CreateTime.Add(transferReceiptBillAge)):
		return transferReceipt{}, invalidRequest("只能申请六个月内转账单的电子回单")
	}
	if s.transfer.receipts == nil {
		s.transfer.receipts = map[string]*transferReceipt{}
	}
	rc, ok := s.transfer.receipts[b.OutBillNo]
	if !ok || !now.Before(rc.CreateTime.Add(transferReceiptValidity)) {
		rc = &transferReceipt{State: "GENERATING", CreateTime: now, UpdateTime: now}
		s.transfer.receipts[b.OutBillNo] = rc
	}
	return *rc, nil
}

// queryReceipt moves the receipt of b one step (GENERATING becomes
// FINISHED) and gives a FINISHED one a download_url token valid 10
// minutes when its last has expired; 404 NOT_FOUND when none was applied
// for. The caller holds s.mu.
func (s *Server) queryReceipt(b *transferBill) (transferReceipt, *ErrorAnswer) {
	rc, ok := s.transfer.receipts[b.OutBillNo]
	if !ok {
		_, e := V3Error(http.StatusNotFound, "NOT_FOUND", "电子回单不存在, 请先申请")
		return transferReceipt{}, e
	}
	now := s.now()
	if rc.State == "GENERATING" {
		rc.State, rc.UpdateTime = "FINISHED", now
	}
	if rc.State == "FINISHED" && !now.Before(rc.expires) {
		var t [16]byte
		_, _ = rand.Read(t[:])
		rc.token, rc.expires = hex.EncodeToString(t[:]), now.Add(transferReceiptURLTTL)
	}
	return *rc, nil
}

// receiptFile returns the file of the download token, or false when no
// receipt has it or it expired. The caller holds s.mu.
func (s *Server) receiptFile(token string) ([]byte, bool) {
	for _, rc := range s.transfer.receipts {
		if token != "" && rc.token == token && s.now().Before(rc.expires) {
			return transferReceiptPDF, true
		}
	}
	return nil, false
}

// transferReceiptDigest is the hash_value of the emulated receipt file.
func transferReceiptDigest() string {
	sum := sha256.Sum256(transferReceiptPDF)
	return hex.EncodeToString(sum[:])
}

// FailTransferReceipt is WeChat Pay failing the receipt of the bill
// outBillNo while it is GENERATING: the receipt becomes FAILED with text
// as its fail_reason.
func (s *Server) FailTransferReceipt(outBillNo, text string) error {
	if text == "" {
		return errors.New("wechatpaytest: FailTransferReceipt: empty text")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rc, ok := s.transfer.receipts[outBillNo]
	switch {
	case !ok:
		return fmt.Errorf("wechatpaytest: FailTransferReceipt: no receipt of bill %q", outBillNo)
	case rc.State != "GENERATING":
		return fmt.Errorf("wechatpaytest: FailTransferReceipt: the receipt of bill %q is %s, not GENERATING", outBillNo, rc.State)
	}
	rc.State, rc.FailReason, rc.UpdateTime = "FAILED", text, s.now()
	return nil
}
