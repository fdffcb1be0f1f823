package wechatpaytest

// serveTransferQueryByTransferBillNo answers 微信单号查询转账单 (see
// transferQuery).
func (s *Server) serveTransferQueryByTransferBillNo(r *V3Request) (int, any) {
	return s.transferQuery(r, "transfer_bill_no", 64, true)
}
