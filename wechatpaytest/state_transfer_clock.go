package wechatpaytest

import (
	"maps"
	"slices"
	"time"
)

// transferDue runs the bills' time-driven transitions at now (Advance;
// s.mu held), in out_bill_no order: a bill not completed within 24 hours
// is closed FAIL OVERDUE_CLOSE (funds released, MCHTRANSFER.BILL.FINISHED
// sent), and a bill older than 30 days is forgotten, both numbers
// answering 404 NOT_FOUND.
func (s *Server) transferDue(now time.Time) {
	for _, no := range slices.Sorted(maps.Keys(s.transfer.bills)) {
		b := s.transfer.bills[no]
		s.closeOverdueBill(b, now)
		if !now.Before(b.CreateTime.Add(transferBillWindow)) {
			delete(s.transfer.bills, no)
			delete(s.transfer.byNo, b.TransferBillNo)
		}
	}
}

// closeOverdueBill closes b, FAIL OVERDUE_CLOSE, when it is not completed
// 24 hours after its creation at now. The caller holds s.mu.
func (s *Server) closeOverdueBill(b *transferBill, now time.Time) {
	if !now.Before(b.CreateTime.Add(transferBillExpiry)) &&
		slices.Contains([]string{"ACCEPTED", "PROCESSING", "WAIT_USER_CONFIRM", "TRANSFERING"}, b.State) {
		s.finishBill(b, "FAIL", "OVERDUE_CLOSE")
	}
}
