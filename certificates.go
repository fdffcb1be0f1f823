package wechatpay

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// DefaultCertificateRefresh is how often WithCertificateRefresh downloads
// the platform certificates when given no interval.
const DefaultCertificateRefresh = 12 * time.Hour

// certificatesPath is the platform-certificate download endpoint.
const certificatesPath = "/v3/certificates"

// certificateRetryDelay bounds the wait before retrying a failed refresh.
const certificateRetryDelay = time.Minute

// certificateList is the body of GET /v3/certificates.
type certificateList struct {
	Data []struct {
		SerialNo           string               `json:"serial_no"`
		EffectiveTime      string               `json:"effective_time"`
		ExpireTime         string               `json:"expire_time"`
		EncryptCertificate NotificationResource `json:"encrypt_certificate"`
	} `json:"data"`
}

// DownloadCertificates downloads the WeChat Pay platform certificates (平台证书),
// decrypts them with the APIv3 key, checks the response's signature, and adds
// the certificates that have not expired to the client's verifier. It
// returns those certificates.
//
// A client that trusts no platform certificate yet (or none of the one that
// signed the answer) cannot verify the answer with the keys it holds. It
// then does what the official SDKs do: it accepts the answer only if it
// verifies with a certificate it contains, and only after every certificate
// in it has been authenticated by AEAD_AES_256_GCM under the APIv3 key,
// which only the merchant and WeChat Pay know.
//
// In public-key mode (only a WeChat Pay public key, KeyModePublicKey) there
// are no platform certificates: it makes no request and returns an error
// matching ErrInvalidConfig. Merchants onboarded since late 2024 get 404
// RESOURCE_NOT_EXISTS from the endpoint, as an *APIError.
//
// GET /v3/certificates
func (c *Client) DownloadCertificates(ctx context.Context) ([]*x509.Certificate, error) {
	if !c.built() {
		return nil, nilClientError()
	}
	if c.verifier.Mode() == KeyModePublicKey {
		return nil, configError(&FieldError{Field: "key_mode", Reason: "public-key mode has no platform certificates to download"})
	}
	if len(c.apiV3Key()) == 0 {
		return nil, configError(&FieldError{Field: "apiv3_key", Reason: "not configured (WithAPIv3Key); it decrypts platform certificates", Missing: true})
	}
	header, body, err := c.getUnverified(ctx, certificatesPath)
	if err != nil {
		return nil, err
	}
	certs, err := c.openCertificates(body, header.Get(HeaderRequestID))
	if err != nil {
		// A signature failure says more about a broken answer, unless the
		// signer is one this client cannot know yet.
		if verr := c.verifier.Verify(header, body); verr != nil && !errors.Is(verr, ErrUnknownSerial) {
			return nil, verr
		}
		return nil, err
	}
	if err := c.verifyCertificates(header, body, certs); err != nil {
		return nil, err
	}
	now := c.now()
	var added []*x509.Certificate
	for _, cert := range certs {
		if now.After(cert.NotAfter) {
			continue
		}
		if _, err := c.verifier.AddCertificate(cert); err != nil {
			return nil, fmt.Errorf("wechatpay: downloaded platform certificate: %w", err)
		}
		added = append(added, cert)
	}
	c.verifier.pruneExpired()
	return added, nil
}

// verifyCertificates checks the signature of a /v3/certificates answer: with
// the verifier's keys, or, when the signing serial is unknown to it, with
// the downloaded (already AEAD-authenticated) certificate of that serial.
// The bootstrap verifier applies every rule (headers, window, probe, form)
// like the client's own.
func (c *Client) verifyCertificates(header http.Header, body []byte, certs []*x509.Certificate) error {
	err := c.verifier.Verify(header, body)
	if err == nil || !errors.Is(err, ErrUnknownSerial) {
		return err
	}
	serial := header.Get(HeaderSerial)
	for _, cert := range certs {
		if wxcrypto.CertificateSerial(cert) != serial {
			continue
		}
		boot := NewVerifier(KeyModeCertificates, c.now)
		if _, aerr := boot.AddCertificate(cert); aerr != nil {
			return fmt.Errorf("%w: signing certificate %s: %w", ErrMalformedResponse, serial, aerr)
		}
		return boot.Verify(header, body)
	}
	return err
}

// openCertificates decrypts and parses every certificate of a
// /v3/certificates body, checking each against its listed serial and times.
func (c *Client) openCertificates(body []byte, requestID string) ([]*x509.Certificate, error) {
	var list certificateList
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("%w%s: %w", ErrMalformedResponse, requestIDNote(requestID), err)
	}
	if len(list.Data) == 0 {
		return nil, fmt.Errorf("%w%s: no certificate in the answer", ErrMalformedResponse, requestIDNote(requestID))
	}
	certs := make([]*x509.Certificate, 0, len(list.Data))
	for i := range list.Data {
		item := &list.Data[i]
		serial := strings.ToUpper(item.SerialNo)
		plain, err := c.openResource(&item.EncryptCertificate, "encrypt_certificate")
		if err != nil {
			return nil, fmt.Errorf("%w (serial %s)", err, serial)
		}
		cert, err := wxcrypto.LoadCertificate(plain)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate %s: %w", ErrMalformedResponse, serial, err)
		}
		if got := wxcrypto.CertificateSerial(cert); got != serial {
			return nil, fmt.Errorf("%w: certificate listed as %s has serial %s", ErrMalformedResponse, serial, got)
		}
		if err := checkListedTime(item.EffectiveTime, cert.NotBefore); err != nil {
			return nil, fmt.Errorf("%w: certificate %s effective_time: %w", ErrMalformedResponse, serial, err)
		}
		if err := checkListedTime(item.ExpireTime, cert.NotAfter); err != nil {
			return nil, fmt.Errorf("%w: certificate %s expire_time: %w", ErrMalformedResponse, serial, err)
		}
		certs = append(certs, cert)
	}
	return certs, nil
}

// checkListedTime checks that a listed RFC 3339 time, when present, is the
// certificate's own (to the second).
func checkListedTime(listed string, want time.Time) error {
	if listed == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, listed)
	if err != nil {
		return errors.New("not RFC 3339")
	}
	if !t.Truncate(time.Second).Equal(want.Truncate(time.Second)) {
		return fmt.Errorf("%s differs from the certificate's %s", listed, want.UTC().Format(time.RFC3339))
	}
	return nil
}

// getUnverified GETs a v3 path and returns the headers and raw body of a 2xx
// answer without verifying them (a 4xx/5xx is an *APIError as in DoV3).
// Only DownloadCertificates uses it, and it verifies the answer itself
// before trusting any of it.
func (c *Client) getUnverified(ctx context.Context, path string) (http.Header, []byte, error) {
	x, err := c.v3Exchange(&Request{Path: path}, nil)
	if err != nil {
		return nil, nil, err
	}
	var body []byte
	x.judge = func(resp *http.Response, data []byte) error {
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return newV3APIError(resp.StatusCode, resp.Header.Get(HeaderRequestID), data)
		}
		body = bytes.Clone(data) // data is a pooled buffer
		return nil
	}
	meta, err := c.send(ctx, x, false)
	if err != nil {
		return nil, nil, err
	}
	return meta.Header, body, nil
}

// RefreshCertificates downloads the platform certificates now (see
// DownloadCertificates). Call it once after NewClient to load them before
// the first call when the client starts without any.
func (c *Client) RefreshCertificates(ctx context.Context) error {
	_, err := c.DownloadCertificates(ctx)
	return err
}

// certRefresher runs the scheduled download of platform certificates.
type certRefresher struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startCertificateRefresh starts the refresh goroutine when interval > 0 and
// the client uses platform certificates; in public-key mode it does nothing,
// so the endpoint is never called. Stop it with stopCertificateRefresh.
func (c *Client) startCertificateRefresh(interval time.Duration) error {
	if interval <= 0 || c.verifier.Mode() == KeyModePublicKey {
		return nil
	}
	if len(c.apiV3Key()) == 0 {
		return &FieldError{Field: "apiv3_key", Reason: "required by WithCertificateRefresh", Missing: true}
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &certRefresher{cancel: cancel}
	c.refresher = r
	r.wg.Go(func() { c.refreshLoop(ctx, interval) })
	return nil
}

// refreshLoop downloads at once when no certificate is trusted yet, then
// every interval; a failure is logged and retried sooner.
func (c *Client) refreshLoop(ctx context.Context, interval time.Duration) {
	wait := interval
	if len(c.verifier.Certificates()) == 0 {
		wait = 0
	}
	for {
		if !waitFor(ctx, wait) {
			return
		}
		wait = interval
		if err := c.RefreshCertificates(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			wait = min(interval, certificateRetryDelay)
			if c.logger != nil {
				c.logger.LogAttrs(ctx, slog.LevelWarn, "wechatpay platform certificate refresh failed",
					slog.String("error", err.Error()), slog.Duration("retry_in", wait))
			}
		}
	}
}

// waitFor waits d (the refresh schedule, not a retry) and reports whether
// ctx is still live.
func waitFor(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// stopCertificateRefresh stops the refresh goroutine, if any, and waits for
// it to return. It is safe to call more than once.
func (c *Client) stopCertificateRefresh() {
	if c.refresher == nil {
		return
	}
	c.refresher.cancel()
	c.refresher.wg.Wait()
}
