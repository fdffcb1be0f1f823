package wechatpaytest

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the checks of request fields every v3 route shares, and
// the error answers they give.

// field is a documented request field and its rules, as checkFields
// checks them: an empty value breaks only required, so the other rules
// apply to values sent.
type field struct {
	// name is the field as answered: a JSON pointer in a body ("/mchid"),
	// the parameter's name in a query or path.
	name     string
	value    string
	required bool
	// max is the documented maximum length in characters (documents do not
	// say bytes or characters; the emulator is lenient); 0 for none.
	max int
	// valid is the value's other rule (nil for none); issue is answered
	// when it refuses the value and, when set, for a value too long.
	valid func(string) bool
	issue string
}

// checkFields answers 400 PARAM_ERROR about the first field, in order,
// that breaks a rule, or nil when none does.
func checkFields(location string, fields ...field) *ErrorAnswer {
	for _, f := range fields {
		switch {
		case f.value == "":
			if f.required {
				return paramError(f.name, location, "required")
			}
		case f.max > 0 && utf8.RuneCountInString(f.value) > f.max:
			return paramError(f.name, location, cmp.Or(f.issue, "longer than "+strconv.Itoa(f.max)+" characters"))
		case f.valid != nil && !f.valid(f.value):
			return paramError(f.name, location, f.issue)
		}
	}
	return nil
}

// oneOf is the rule of an enumerated field.
func oneOf(values ...string) func(string) bool {
	return func(v string) bool { return slices.Contains(values, v) }
}

// isAlnum reports whether v is ASCII digits and letters only.
func isAlnum(v string) bool { return strings.IndexFunc(v, notAlnum) < 0 }

func notAlnum(c rune) bool {
	return (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z')
}

// isOrderNo reports whether v is digits, letters, '_' and '-' only.
func isOrderNo(v string) bool {
	return strings.IndexFunc(v, func(c rune) bool { return notAlnum(c) && c != '_' && c != '-' }) < 0
}

// isRFC3339 reports whether v is an RFC 3339 time.
func isRFC3339(v string) bool {
	_, err := time.Parse(time.RFC3339, v)
	return err == nil
}

// isPositive reports whether v is a positive decimal integer.
func isPositive(v string) bool {
	n, err := strconv.ParseInt(v, 10, 64)
	return err == nil && n > 0
}

// paramError is 400 PARAM_ERROR about one field.
func paramError(field, location, issue string) *ErrorAnswer {
	return &ErrorAnswer{
		Code: "PARAM_ERROR", Message: "参数错误: " + field + ": " + issue,
		Detail: map[string]string{"field": field, "location": location, "issue": issue},
		status: http.StatusBadRequest, verdict: "param_error: " + field + ": " + issue,
	}
}

// reusedNumber is 400 PARAM_ERROR for a business number, the body field
// field, sent again with other fields.
func reusedNumber(field string) *ErrorAnswer {
	name := strings.TrimPrefix(field, "/")
	return &ErrorAnswer{Code: "PARAM_ERROR", Message: name + " 已使用且请求参数不一致",
		Detail: map[string]string{"field": field, "location": "body", "issue": "already used with different parameters"},
		status: http.StatusBadRequest, verdict: "param_error: " + name + " reused with another body"}
}

// invalidRequest is 400 INVALID_REQUEST with a message.
func invalidRequest(message string) *ErrorAnswer {
	return &ErrorAnswer{Code: "INVALID_REQUEST", Message: message, status: http.StatusBadRequest,
		verdict: "invalid_request: " + message}
}

// notFound is 404 RESOURCE_NOT_EXISTS about a record.
func notFound(what string) *ErrorAnswer {
	return &ErrorAnswer{Code: "RESOURCE_NOT_EXISTS", Message: what + " does not exist",
		status: http.StatusNotFound, verdict: "not_found: " + what}
}

// systemError is 500 SYSTEM_ERROR; verdict says why, for the log only.
func systemError(message, verdict string) *ErrorAnswer {
	return &ErrorAnswer{Code: "SYSTEM_ERROR", Message: message, status: http.StatusInternalServerError,
		verdict: "system_error: " + verdict}
}

// alnumNo is the rule of the merchant transfer's numbers named in a path
// or body: required, at most max ASCII digits and letters.
func alnumNo(name, value string, max int) field {
	return field{name: name, value: value, required: true, max: max, valid: isAlnum, issue: "only digits and letters"}
}
