package call

import (
	"reflect"
	"testing"
)

// TestArgsRoundTrip: coldstart's command line is what the programs parse.
func TestArgsRoundTrip(t *testing.T) {
	want := Config{URL: "https://127.0.0.1:1", CAFile: "ca.pem", KeyFile: "key.pem", PubFile: "pub.pem",
		MchID: "1900000100", Serial: "SERIAL", PubID: "PUB_KEY_ID_1", OutOrderNo: "P1", SubMchID: "1900000109", TransactionID: "42"}
	got, err := Parse("test", want.Args())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("Parse(Args()) = %+v, want %+v", *got, want)
	}
}
