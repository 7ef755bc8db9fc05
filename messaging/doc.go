// Package messaging is for the dialogue between staff and guardians:
// threads and messages, bulletins to groups, recipient resolution
// (parental responsibility, barneloven § 47, address protection), the
// outbox, notifications and templates in bokmål, nynorsk and English, and
// the transport port that SMTP, SMS and webhook adapters implement.
//
// It is a pure domain package: it imports no database driver and no
// net/http.
package messaging
