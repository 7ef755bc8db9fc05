package conformance

import "encoding/json"

// jsonAppender is an answer that writes itself as JSON, faster than
// encoding/json would write it and with the same bytes (allocationAnswer).
// local.Evaluate uses it instead of json.Marshal, which would also check
// and compact the text a MarshalJSON returns. Given a guide other than
// full (an expected answer), it may leave out the members of its top-level
// object that the guide does not name (wants).
type jsonAppender interface {
	appendJSON(b []byte, guide *node) []byte
}

// wants reports whether an answer written for guide needs its top-level
// member name: always, unless guide is an object that does not name it.
func wants(guide *node, name string) bool {
	return guide == nil || guide == full || guide.kind != 'o' || guide.field(name) != nil
}

// appendJSONString appends s as a JSON string exactly as encoding/json
// writes it (with its HTML escaping of <, > and &, U+2028 and U+2029
// escaped, invalid UTF-8 as U+FFFD): printable ASCII without escapes is
// copied, anything else is left to encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
