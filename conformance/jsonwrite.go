package conformance

import "encoding/json"

// jsonAppender is an answer that writes itself as JSON, faster than
// encoding/json would write it and with the same bytes (allocationAnswer).
// local.Evaluate uses it instead of json.Marshal, which would also check
// and compact the text a MarshalJSON returns.
type jsonAppender interface {
	appendJSON(b []byte) []byte
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
