package service

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// errMismatch is the mismatch error FuzzDigest gives Digest.Reader.
var errMismatch = errors.New("digest mismatch")

// FuzzDigest parses any hash_type and hash_value (seeds in testdata/fuzz)
// as transfer (SHA256 only) or profitsharing (SHA1, SHA256) does and reads
// body through the Digest: ParseDigest never panics and fails with
// ErrHashType exactly when the type is not one of those, else with
// ErrHashValue exactly when the value is not the hex digest of its size;
// the Reader, in one-byte or whole reads, gives back body and ends with
// the mismatch error exactly when body's own digest differs, else io.EOF.
func FuzzDigest(f *testing.F) {
	f.Fuzz(func(t *testing.T, hashType, hashValue string, body []byte, sha256Only, oneByte bool) {
		types := []string{"SHA1", "SHA256"}
		if sha256Only {
			types = types[1:]
		}
		d, err := ParseDigest(hashType, hashValue, types...)
		upper := strings.ToUpper(hashType)
		want, hexErr := hex.DecodeString(hashValue)
		size := map[string]int{"SHA1": sha1.Size, "SHA256": sha256.Size}[upper]
		switch {
		case !slices.Contains(types, upper):
			if d != nil || err != ErrHashType {
				t.Fatalf("type %q of %v: %v, %v", hashType, types, d, err)
			}
			return
		case hexErr != nil || len(want) != size:
			if d != nil || err != ErrHashValue {
				t.Fatalf("%s value %q: %v, %v", upper, hashValue, d, err)
			}
			return
		case d == nil || err != nil:
			t.Fatalf("%s %q refused: %v", upper, hashValue, err)
		}
		sum1, sum256 := sha1.Sum(body), sha256.Sum256(body)
		wantErr := io.EOF
		if got := map[string][]byte{"SHA1": sum1[:], "SHA256": sum256[:]}[upper]; !bytes.Equal(got, want) {
			wantErr = errMismatch
		}
		var src io.Reader = iotest.DataErrReader(bytes.NewReader(body))
		if oneByte {
			src = iotest.OneByteReader(bytes.NewReader(body))
		}
		read, err := readAll(d.Reader(io.NopCloser(src), errMismatch))
		if !bytes.Equal(read, body) || err != wantErr {
			t.Fatalf("read %d of %d bytes, ended with %v, want %v", len(read), len(body), err, wantErr)
		}
	})
}

// readAll reads r to its first error and returns what it read and that
// error, io.EOF included (which io.ReadAll hides).
func readAll(r io.ReadCloser) ([]byte, error) {
	defer r.Close()
	var out []byte
	buf := make([]byte, 512)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return out, err
		}
	}
}
