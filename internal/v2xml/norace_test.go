//go:build !race

package v2xml

const raceEnabled = false
