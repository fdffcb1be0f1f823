package wechatpaytest

// serveProfitSharingQueryRefundBillDownloadURL answers the URL of a day's
// refund bill as the distribution bill's (bill_date within the last 90
// days, a 30-second token on the emulator's download_url); sub_mchid
// empty asks for every sub-merchant's rows. The file is the header row
// and the rows a test added with AddProfitSharingRefundBillRow (the
// emulator has no refund API).
func (s *Server) serveProfitSharingQueryRefundBillDownloadURL(r *V3Request) (int, any) {
	return s.serveBillURL(r, true)
}
