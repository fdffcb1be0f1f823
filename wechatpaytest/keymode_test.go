package wechatpaytest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// TestKeyModes: each key mode signs with the keys its merchant holds,
// writes them (and only them) into the credentials, and gives a client of
// the same mode.
func TestKeyModes(t *testing.T) {
	for _, tt := range []struct {
		mode                 wechatpay.KeyMode
		noSerial, pubSerial  func(*wechatpaytest.Server) string // the key that signs
		certificates         int                                // GET /v3/certificates status
		hasPubKey, hasCertFs bool
	}{
		{wechatpay.KeyModePublicKey, (*wechatpaytest.Server).PublicKeyID, (*wechatpaytest.Server).PublicKeyID, 404, true, false},
		{wechatpay.KeyModeCertificates, (*wechatpaytest.Server).PlatformSerial, (*wechatpaytest.Server).PlatformSerial, 200, false, true},
		{wechatpay.KeyModeBoth, (*wechatpaytest.Server).PlatformSerial, (*wechatpaytest.Server).PublicKeyID, 200, true, true},
	} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			srv := wechatpaytest.Start(t, wechatpaytest.WithKeyMode(tt.mode))
			require.Equal(t, tt.mode, srv.KeyMode())
			rc := newRawClient(t, srv)
			for _, sent := range []string{"", srv.PublicKeyID(), srv.PlatformSerial()} {
				h := http.Header{}
				if sent != "" {
					h.Set(wechatpay.HeaderSerial, sent)
				}
				status, header, body := rc.doHeader(t, http.MethodGet, "/v3/certificates", nil, h)
				require.Equal(t, tt.certificates, status, string(body))
				want := tt.pubSerial(srv)
				if sent == "" || sent == srv.PlatformSerial() {
					want = tt.noSerial(srv)
				}
				require.Equal(t, want, header.Get(wechatpay.HeaderSerial), "Wechatpay-Serial sent: %q", sent)
			}

			cr := srv.Credentials()
			require.Equal(t, tt.hasPubKey, cr.WechatpayPublicKeyFile != "")
			require.Equal(t, tt.hasPubKey, cr.WechatpayPublicKeyID != "")
			require.Equal(t, tt.hasCertFs, len(cr.PlatformCertificateFiles) == 1)
			path, err := srv.WriteCredentials(t.TempDir())
			require.NoError(t, err)
			fromFile, err := wechatpay.NewClientFromFile(path)
			require.NoError(t, err)
			defer fromFile.Close()
			c := srv.Client()
			require.Equal(t, tt.mode, c.Verifier().Mode())
			for _, client := range []*wechatpay.Client{c, fromFile} {
				var got reduction
				_, err = client.DoV3(t.Context(), reductionRequest(t, client, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), &got)
				require.NoError(t, err)
				require.Equal(t, "SUCCESS", got.State)
			}
		})
	}
}

func TestParseKeyMode(t *testing.T) {
	for _, m := range []wechatpay.KeyMode{wechatpay.KeyModePublicKey, wechatpay.KeyModeCertificates, wechatpay.KeyModeBoth} {
		got, err := wechatpaytest.ParseKeyMode(m.String())
		require.NoError(t, err)
		require.Equal(t, m, got)
	}
	_, err := wechatpaytest.ParseKeyMode("auto")
	require.ErrorContains(t, err, "want public-key, certificates or both")
	_, err = wechatpaytest.Listen(wechatpaytest.WithKeyMode(wechatpay.KeyMode(9)))
	require.ErrorContains(t, err, "unknown key mode")
}

// TestNotificationKeyFollowsKeyMode: a callback is signed with a key the
// merchant of the mode holds, so its own client verifies it.
func TestNotificationKeyFollowsKeyMode(t *testing.T) {
	for _, mode := range []wechatpay.KeyMode{wechatpay.KeyModePublicKey, wechatpay.KeyModeCertificates, wechatpay.KeyModeBoth} {
		t.Run(mode.String(), func(t *testing.T) {
			srv := wechatpaytest.Start(t, wechatpaytest.WithKeyMode(mode))
			h, body, err := srv.SignNotification("TRANSACTION.SUCCESS", map[string]string{"out_trade_no": "1217752501201407033233368018"})
			require.NoError(t, err)
			want := srv.PublicKeyID()
			if mode == wechatpay.KeyModeCertificates {
				want = srv.PlatformSerial()
			}
			require.Equal(t, want, h.Get(wechatpay.HeaderSerial))
			c := srv.Client()
			_, err = c.ParseNotification(h, body)
			require.NoError(t, err)
		})
	}
}
