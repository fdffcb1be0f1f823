package main

import (
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/internal/wireclient"
)

// callback is one delivery to the merchant's notify_url.
type callback struct {
	header http.Header
	body   []byte
}

// startNotifyURL serves a merchant's notify_url over TLS with a
// self-signed certificate: each delivery goes to the channel, and is
// acknowledged 204. It returns the URL and the PEM file of its CA.
func startNotifyURL(t *testing.T) (url, caFile string, got <-chan callback) {
	t.Helper()
	ch := make(chan callback, 8)
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, `{"code":"FAIL","message":"read"}`, http.StatusBadRequest)
			return
		}
		ch <- callback{r.Header.Clone(), body}
		w.WriteHeader(http.StatusNoContent)
	}))
	hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	hs.StartTLS()
	t.Cleanup(hs.Close)
	caFile = filepath.Join(t.TempDir(), "notify_ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw}), 0o600))
	return hs.URL + "/transfer/notify", caFile, ch
}

// wireBill is what the client reads of a bill, in an answer or a callback.
type wireBill struct {
	OutBillNo      string `json:"out_bill_no"`
	TransferBillNo string `json:"transfer_bill_no"`
	State          string `json:"state"`
	PackageInfo    string `json:"package_info"`
	MchID          string `json:"mch_id"`
	Amount         int64  `json:"transfer_amount"`
	OpenID         string `json:"openid"`
}

// createWireBill creates with c a bill of 3,000 yuan (user_name required) whose
// callbacks go to notifyURL, and returns its transfer_bill_no.
func createWireBill(t *testing.T, c *wireclient.Client, no, notifyURL string) string {
	t.Helper()
	body, err := json.Marshal(map[string]any{"appid": c.AppID, "out_bill_no": no, "transfer_scene_id": "1000",
		"openid": "o-plain", "transfer_amount": 300000, "transfer_remark": "新会员开户有礼", "user_name": c.Encrypt(t, "张三"),
		"notify_url": notifyURL, "user_recv_perception": "现金奖励",
		"transfer_scene_report_infos": []map[string]string{{"info_type": "活动名称", "info_content": "新会员有礼"}, {"info_type": "奖励说明", "info_content": "注册会员抽奖一等奖"}}})
	require.NoError(t, err)
	status, h, answer := c.Do(t, http.MethodPost, "/v3/fund-app/mch-transfer/transfer-bills", body, c.PubKeyID)
	c.Verify(t, h, answer)
	require.Equal(t, http.StatusOK, status, string(answer))
	var created wireBill
	require.NoError(t, json.Unmarshal(answer, &created))
	require.Equal(t, no, created.OutBillNo)
	require.Equal(t, "WAIT_USER_CONFIRM", created.State)
	require.NotEmpty(t, created.TransferBillNo)
	require.NotEmpty(t, created.PackageInfo)
	return created.TransferBillNo
}

// A client written from the protocol alone, configured from the sandbox's
// credentials.json, creates a transfer bill (user_name encrypted by
// itself), has it confirmed with `wechatpay-sandbox transfer confirm`,
// receives MCHTRANSFER.BILL.FINISHED on its own HTTPS notify_url, verifies
// and decrypts it itself, and queries the bill by out_bill_no.
func TestProtocolClientTransferBill(t *testing.T) {
	notifyURL, notifyCA, callbacks := startNotifyURL(t)
	dir := t.TempDir()
	sb := startSandbox(t, dir, "-notify-ca", notifyCA)
	c := wireclient.New(t, sb.credPath()) // no code of the SDK

	transferBillNo := createWireBill(t, c, "PLAIN1", notifyURL)

	var stdout, stderr sdktest.Buffer
	require.NoError(t, run([]string{"transfer", "confirm", "-dir", dir, "PLAIN1"}, &stdout, &stderr, nil), stderr.String())

	var cb callback
	select {
	case cb = <-callbacks:
	case <-time.After(30 * time.Second):
		t.Fatalf("no callback within 30s; sandbox log:\n%s", sb.stderr.String())
	}
	c.Verify(t, cb.header, cb.body)
	event, plain := c.Decrypt(t, cb.body)
	require.Equal(t, "MCHTRANSFER.BILL.FINISHED", event)
	var finished wireBill
	require.NoError(t, json.Unmarshal(plain, &finished))
	require.Equal(t, "PLAIN1", finished.OutBillNo)
	require.Equal(t, transferBillNo, finished.TransferBillNo)
	require.Equal(t, "SUCCESS", finished.State)
	require.Equal(t, c.MchID, finished.MchID)
	require.Equal(t, int64(300000), finished.Amount)
	require.Equal(t, "o-plain", finished.OpenID)

	status, h, answer := c.Do(t, http.MethodGet, "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/PLAIN1", nil, "")
	c.Verify(t, h, answer)
	require.Equal(t, http.StatusOK, status, string(answer))
	var queried wireBill
	require.NoError(t, json.Unmarshal(answer, &queried))
	require.Equal(t, "PLAIN1", queried.OutBillNo)
	require.Equal(t, transferBillNo, queried.TransferBillNo)
	require.Equal(t, "SUCCESS", queried.State)
	require.Equal(t, int64(300000), queried.Amount)
}
