package wechatpaytest

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// TransferMerchant is the emulated merchant of the merchant transfer
// (商家转账): its operating account, what the merchant platform grants it,
// and how its bills' callbacks are sent. The default is
// DefaultTransferMerchant.
type TransferMerchant struct {
	// Balance is the operating account (运营账户) in fen, funds locked by
	// bills waiting for their users included.
	Balance int64
	// Scenes are the granted transfer_scene_id values; another scene is
	// 400 INVALID_REQUEST.
	Scenes []string
	// AppIDs are the appids bound to the merchant; another is 400
	// INVALID_REQUEST.
	AppIDs []string
	// MinAmount and MaxAmount are the per-bill range in fen; an amount
	// outside is 400 INVALID_REQUEST.
	MinAmount, MaxAmount int64
	// Users are the real names of users by openid: a bill to a listed
	// user whose user_name differs fails NAME_NOT_CORRECT when the user
	// confirms. Any other openid is a valid user.
	Users map[string]string
	// HoldTransfering leaves a confirmed bill in TRANSFERING until its
	// next query (or FailTransfer) instead of SUCCESS at once.
	HoldTransfering bool
	// Callbacks say how MCHTRANSFER.BILL.FINISHED is sent (see
	// EchoCallbacks: the same settings).
	Callbacks EchoCallbacks
}

// DefaultTransferMerchant is the merchant a server starts with: scene 1000
// (现金营销) granted, TestAppID bound, 10,000,000 fen, bills of 10 to
// 500,000 fen, so that a bill reaches the user_name threshold (200,000
// fen) without a fixture.
func DefaultTransferMerchant() TransferMerchant {
	return TransferMerchant{Balance: 10_000_000, Scenes: []string{"1000"}, AppIDs: []string{TestAppID},
		MinAmount: 10, MaxAmount: 500_000}
}

// transferBill is one transfer bill; UserName is the plaintext.
type transferBill struct {
	OutBillNo, TransferBillNo, AppID, OpenID, UserName, Remark, NotifyURL string
	State, FailReason                                                     string
	Amount                                                                int64
	CreateTime, UpdateTime                                                time.Time
	key                                                                   string // the creating request, user_name decrypted
}

// transferState is the emulator's merchant transfer: the merchant, the
// funds its bills lock, and the bills by both numbers. Server.mu guards it.
type transferState struct {
	merchant TransferMerchant
	locked   int64
	bills    map[string]*transferBill // out_bill_no → bill
	byNo     map[string]string        // transfer_bill_no → out_bill_no
	seq      int64
	receipts map[string]*transferReceipt       // out_bill_no → receipt, made on first use
	auths    map[string]*transferAuthorization // out_authorization_no → authorization (state_transfer_authorization.go)
	offers   map[string]*transferAuthorization // out_bill_no → authorization offered with the bill
}

func newTransferState() *transferState {
	return &transferState{merchant: DefaultTransferMerchant(), bills: map[string]*transferBill{}, byNo: map[string]string{}}
}

// SetTransferMerchant replaces the merchant of the bills that follow
// (balance, granted scenes, appids, range, users, callbacks); the bills
// already made and the funds they lock stay.
func (s *Server) SetTransferMerchant(m TransferMerchant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.transfer.merchant = m
}

// TransferBalance returns the operating account in fen and the part of it
// that bills waiting for their users lock.
func (s *Server) TransferBalance() (balance, locked int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.transfer.merchant.Balance, s.transfer.locked
}

// UserConfirmTransfer is the user confirming the bill outBillNo in WeChat
// (requestMerchantTransfer): a WAIT_USER_CONFIRM bill becomes SUCCESS (or
// TRANSFERING, see HoldTransfering), or FAIL NAME_NOT_CORRECT when its
// user_name differs from the user's name in the fixture; its funds are
// deducted or released and MCHTRANSFER.BILL.FINISHED is sent. authorize
// is the user also agreeing to the authorization the bill offers
// (CreateBillWithAuthorization): unless the bill fails, it takes effect at
// once and MCHTRANSFER.AUTHORIZATION.CONFIRMED is sent; a bill without an
// offer is then an error. Without authorize the offer is dropped.
func (s *Server) UserConfirmTransfer(outBillNo string, authorize bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, offer := s.lookupBill(outBillNo), s.transfer.offers[outBillNo]
	switch {
	case b == nil:
		return fmt.Errorf("wechatpaytest: UserConfirmTransfer: no bill %q", outBillNo)
	case b.State != "WAIT_USER_CONFIRM":
		return fmt.Errorf("wechatpaytest: UserConfirmTransfer: bill %q is %s, not WAIT_USER_CONFIRM", outBillNo, b.State)
	case authorize && offer == nil:
		return fmt.Errorf("wechatpaytest: UserConfirmTransfer: bill %q offers no authorization", outBillNo)
	}
	delete(s.transfer.offers, outBillNo)
	if name, listed := s.transfer.merchant.Users[b.OpenID]; listed && b.UserName != "" && b.UserName != name {
		s.finishBill(b, "FAIL", "NAME_NOT_CORRECT")
		return nil
	}
	if authorize {
		s.acceptOffer(offer)
	}
	if s.transfer.merchant.HoldTransfering {
		b.State, b.UpdateTime = "TRANSFERING", s.now()
		return nil
	}
	s.finishBill(b, "SUCCESS", "")
	return nil
}

// FailTransfer is WeChat Pay failing the bill outBillNo, confirmed or
// waiting for its user, for reason (a fail_reason such as ACCOUNT_FROZEN):
// the bill becomes FAIL, its funds are released and
// MCHTRANSFER.BILL.FINISHED is sent.
func (s *Server) FailTransfer(outBillNo, reason string) error {
	if reason == "" {
		return errors.New("wechatpaytest: FailTransfer: empty reason")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.lookupBill(outBillNo)
	switch {
	case b == nil:
		return fmt.Errorf("wechatpaytest: FailTransfer: no bill %q", outBillNo)
	case b.State != "WAIT_USER_CONFIRM" && b.State != "TRANSFERING":
		return fmt.Errorf("wechatpaytest: FailTransfer: bill %q is %s", outBillNo, b.State)
	}
	s.finishBill(b, "FAIL", reason)
	return nil
}

// finishBill moves b to a terminal state: SUCCESS deducts its funds, FAIL
// and CANCELLED release them; the bill's notify_url gets
// MCHTRANSFER.BILL.FINISHED. The caller holds s.mu.
func (s *Server) finishBill(b *transferBill, state, reason string) {
	b.State, b.FailReason, b.UpdateTime = state, reason, s.now()
	s.transfer.locked -= b.Amount
	if state == "SUCCESS" {
		s.transfer.merchant.Balance -= b.Amount
	}
	if b.NotifyURL == "" {
		return
	}
	s.sendCallbackLocked(s.transfer.merchant.Callbacks, b.NotifyURL, "MCHTRANSFER.BILL.FINISHED", struct {
		OutBillNo      string `json:"out_bill_no"`
		TransferBillNo string `json:"transfer_bill_no"`
		State          string `json:"state"`
		MchID          string `json:"mch_id"`
		Amount         int64  `json:"transfer_amount"`
		OpenID         string `json:"openid"`
		FailReason     string `json:"fail_reason,omitempty"`
		CreateTime     string `json:"create_time"`
		UpdateTime     string `json:"update_time"`
	}{b.OutBillNo, b.TransferBillNo, b.State, TestMchID, b.Amount, b.OpenID, b.FailReason, rfc3339(b.CreateTime), rfc3339(b.UpdateTime)})
}

// settleBill moves a bill one step on its query: CANCELING becomes
// CANCELLED (MCH_CANCEL) and a held TRANSFERING becomes SUCCESS. The
// caller holds s.mu.
func (s *Server) settleBill(b *transferBill) {
	switch b.State {
	case "CANCELING":
		s.finishBill(b, "CANCELLED", "MCH_CANCEL")
	case "TRANSFERING":
		s.finishBill(b, "SUCCESS", "")
	}
}

// Bill periods on the emulator's clock (WithClock), applied by Advance
// (state_transfer_clock.go) and when a bill is next looked up: WeChat Pay closes a bill not completed within 24 hours
// (FAIL, OVERDUE_CLOSE; the real close may lag), and finds bills of the
// last 30 days only.
const (
	transferBillExpiry = 24 * time.Hour
	transferBillWindow = 30 * 24 * time.Hour
)

// lookupBill returns the bill of outBillNo, closed first when its 24 hours
// have passed; nil when there is none or it is older than 30 days. The
// caller holds s.mu.
func (s *Server) lookupBill(outBillNo string) *transferBill {
	b, ok := s.transfer.bills[outBillNo]
	now := s.now()
	if !ok || !now.Before(b.CreateTime.Add(transferBillWindow)) {
		return nil
	}
	s.closeOverdueBill(b, now)
	return b
}

// transferBillByNo returns the bill of out_bill_no, or of
// transfer_bill_no when byTransferNo, else 404 NOT_FOUND. The caller holds
// s.mu.
func (s *Server) transferBillByNo(no string, byTransferNo bool) (*transferBill, *ErrorAnswer) {
	if byTransferNo {
		no = s.transfer.byNo[no]
	}
	b := s.lookupBill(no)
	if b == nil {
		_, e := V3Error(http.StatusNotFound, "NOT_FOUND", "转账单不存在")
		return nil, e
	}
	return b, nil
}

// newTransferBillNo returns a new transfer_bill_no. The caller holds s.mu.
func (s *Server) newTransferBillNo() string {
	s.transfer.seq++
	return fmt.Sprintf("1330000071%s%020d", s.now().Format("20060102"), s.transfer.seq)
}

// newPackageInfo returns a fresh opaque package_info.
func newPackageInfo() string { return "ABBQO+oYAAABAAAAAAB" + wechatpay.NewNonce() }

// grants reports what the merchant refuses of a bill, 400
// INVALID_REQUEST, or nil. The caller holds s.mu.
func (m *TransferMerchant) grants(appID, scene string, amount int64) *ErrorAnswer {
	switch {
	case !slices.Contains(m.AppIDs, appID):
		return invalidRequest("APPID不存在或未与商户号绑定")
	case !slices.Contains(m.Scenes, scene):
		return invalidRequest("该转账场景未开通或不可用: " + scene)
	case amount < m.MinAmount || amount > m.MaxAmount:
		return invalidRequest(fmt.Sprintf("转账金额超出单笔限额 %d–%d 分", m.MinAmount, m.MaxAmount))
	}
	return nil
}
