package aggracct

import (
	"fmt"
	"log/slog"
)

// Format implements fmt.Formatter: under every verb, the service and its
// client's merchant number, serials and key ids; never a key.
func (s Service) Format(f fmt.State, verb rune) { s.redaction().Format(f, verb) }

// LogValue implements slog.LogValuer with the redacted description.
func (s Service) LogValue() slog.Value { return s.redaction().LogValue() }
