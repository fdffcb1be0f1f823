package service

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"slices"
	"strings"
)

// The errors of ParseDigest, which each package reports in its own terms.
var (
	// ErrHashType is a hash_type that is not among those the caller checks.
	ErrHashType = errors.New("unsupported hash_type")
	// ErrHashValue is a hash_value that is not the hex digest of its type.
	ErrHashValue = errors.New("hash_value is not the hex digest of hash_type")
)

// Digest is what a downloaded file must hash to: an answer's hash_type and
// hash_value (transfer's receipts, profitsharing's bills).
type Digest struct {
	h    hash.Hash
	want []byte
}

// ParseDigest returns the Digest of hashType, one of types ("SHA1",
// "SHA256") in any case, and hashValue, its hex digest; else ErrHashType or
// ErrHashValue, so that a digest the SDK cannot check fails closed before
// any I/O.
func ParseDigest(hashType, hashValue string, types ...string) (*Digest, error) {
	d := &Digest{}
	switch t := strings.ToUpper(hashType); {
	case !slices.Contains(types, t):
		return nil, ErrHashType
	case t == "SHA1":
		d.h = sha1.New()
	case t == "SHA256":
		d.h = sha256.New()
	default:
		return nil, ErrHashType
	}
	var err error
	if d.want, err = hex.DecodeString(hashValue); err != nil || len(d.want) != d.h.Size() {
		return nil, ErrHashValue
	}
	return d, nil
}

// Reader returns rc checked against d: its Read returns mismatch in place
// of io.EOF when what was read does not hash to d. Use a Digest for one
// file only.
func (d *Digest) Reader(rc io.ReadCloser, mismatch error) io.ReadCloser {
	return &digestReader{rc: rc, d: d, mismatch: mismatch}
}

// digestReader checks the file against its digest at the end.
type digestReader struct {
	rc       io.ReadCloser
	d        *Digest
	mismatch error
}

func (r *digestReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	r.d.h.Write(p[:n])
	if err == io.EOF && subtle.ConstantTimeCompare(r.d.h.Sum(nil), r.d.want) != 1 {
		err = r.mismatch
	}
	return n, err
}

func (r *digestReader) Close() error { return r.rc.Close() }
