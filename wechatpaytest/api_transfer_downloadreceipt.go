package wechatpaytest

import "net/http"

// serveTransferDownloadReceipt answers a receipt's download_url: the
// token (unknown or expired: 400 INVALID_REQUEST), then the PDF,
// unsigned.
func (s *Server) serveTransferDownloadReceipt(r *V3Request) (int, any) {
	s.mu.Lock()
	file, ok := s.receiptFile(r.URL.Query().Get("token"))
	s.mu.Unlock()
	if !ok {
		return invalidRequest("下载地址已过期或不存在, 请重新查询电子回单").Answer()
	}
	return http.StatusOK, file
}
