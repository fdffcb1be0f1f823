package bench

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/go-resty/resty/v2"

	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
)

// BenchmarkRestyHTTP is BenchmarkFloorHTTP's GET sent through resty the
// way the SDK sends every request (R, SetContext, SetDoNotParseResponse,
// Execute, body read from RawBody): what the transport library the project
// builds on adds per call. Compared with FloorHTTP.
func BenchmarkRestyHTTP(b *testing.B) {
	e := getEnv(b)
	t := floorTransport(e.v3, nil)
	defer t.CloseIdleConnections()
	bench(b, e.v3, false, restyGet(e.v3, t))
}

// restyGet is the GET of RestyHTTP.
func restyGet(srv *loopback.Remote, t *http.Transport) func(ctx context.Context) error {
	rc := resty.NewWithClient(&http.Client{Transport: t})
	target := srv.URL + profitSharingURI
	return func(ctx context.Context) error {
		resp, err := rc.R().SetContext(ctx).SetDoNotParseResponse(true).Execute(http.MethodGet, target)
		if err != nil {
			return err
		}
		body := resp.RawBody()
		_, err = io.ReadAll(body)
		_ = body.Close()
		return err
	}
}
