// Package enum is the one shape of the SDK's enum types: a named string
// type whose documented values are constants, whose unknown values decode
// and encode unchanged, and whose Known method asks a Set built once.
//
//	type State string
//	var states = enum.Of(StateProcessing, StateSuccess)
//	func (s State) Known() bool { return states.Has(s) }
package enum

// Set holds the documented values of one enum type.
type Set[T ~string] map[T]struct{}

// Of returns the set of values vs.
func Of[T ~string](vs ...T) Set[T] {
	s := make(Set[T], len(vs))
	for _, v := range vs {
		s[v] = struct{}{}
	}
	return s
}

// Has reports whether v is one of the set's values.
func (s Set[T]) Has(v T) bool {
	_, ok := s[v]
	return ok
}
