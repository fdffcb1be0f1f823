package wechatpay

import "time"

// MchID returns the merchant number of the client.
func (c *Client) MchID() string { return orZero(c, func() string { return c.mchID }) }

// AppID returns the default appid set with WithAppID.
func (c *Client) AppID() string { return orZero(c, func() string { return c.appID }) }

// Signer returns the client's request signer.
func (c *Client) Signer() *Signer { return orZero(c, func() *Signer { return c.signer }) }

// Verifier returns the client's response and callback verifier.
func (c *Client) Verifier() *Verifier { return orZero(c, func() *Verifier { return c.verifier }) }

// Now returns the client's clock reading.
func (c *Client) Now() time.Time { return orZero(c, func() time.Time { return c.now() }) }

// built says whether c was built by NewClient: not nil, and not a zero
// Client{}, which holds no signer (NewClient always makes one).
func (c *Client) built() bool { return c != nil && c.signer != nil }

// orZero is get(), or the zero value on a nil or zero *Client (built): an
// accessor of such a client has nothing to give, and no error to say so.
func orZero[T any](c *Client, get func() T) T {
	if !c.built() {
		var zero T
		return zero
	}
	return get()
}
