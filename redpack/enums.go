package redpack

// Status is the state of a red packet. Values this SDK does not know decode
// without error and report Known() == false.
type Status string

// The documented red-packet states.
const (
	// StatusSending: the packet is being sent.
	StatusSending Status = "SENDING"
	// StatusSent: sent, waiting to be opened.
	StatusSent Status = "SENT"
	// StatusFailed: sending failed; see WorkWxRedPacket.Reason.
	StatusFailed Status = "FAILED"
	// StatusReceived: opened by the receiver.
	StatusReceived Status = "RECEIVED"
	// StatusRefunding: being refunded. The wire value is WeChat Pay's
	// spelling "RFUND_ING", not "REFUND_ING".
	StatusRefunding Status = "RFUND_ING"
	// StatusRefunded: refunded.
	StatusRefunded Status = "REFUND"
)

// Known reports whether s is a value this version of the SDK knows.
func (s Status) Known() bool {
	switch s {
	case StatusSending, StatusSent, StatusFailed, StatusReceived, StatusRefunding, StatusRefunded:
		return true
	}
	return false
}

// SendType is how a red packet was sent.
type SendType string

// The known send types: API is documented for this endpoint, UPLOAD and
// ACTIVITY for its sister endpoint gethbinfo.
const (
	// SendTypeAPI: sent through the API.
	SendTypeAPI SendType = "API"
	// SendTypeUpload: sent by file upload.
	SendTypeUpload SendType = "UPLOAD"
	// SendTypeActivity: sent by an activity.
	SendTypeActivity SendType = "ACTIVITY"
)

// Known reports whether t is a value this version of the SDK knows.
func (t SendType) Known() bool {
	switch t {
	case SendTypeAPI, SendTypeUpload, SendTypeActivity:
		return true
	}
	return false
}
