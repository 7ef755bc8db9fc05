package memory

import (
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

type deliveryKey struct {
	m   domain.Municipality
	key string
}

// messagingState holds the records of the messaging store port.
type messagingState struct {
	threads  map[key[messaging.Thread]]messaging.Thread
	messages map[key[messaging.Thread]][]messaging.Message
	// participants by thread, then guardian; byGuardian indexes them by
	// guardian.
	participants map[key[messaging.Thread]]map[domain.GuardianID]messaging.Participant
	byGuardian   map[key[domain.Guardian]]map[messaging.ThreadID]struct{}
	contacts     map[key[domain.Guardian]]messaging.Contact
	deliveries   map[key[messaging.Delivery]]messaging.Delivery
	byKey        map[deliveryKey]messaging.DeliveryID
	// pending indexes the deliveries in state pending.
	pending map[key[messaging.Delivery]]struct{}
}

func newMessagingState() messagingState {
	return messagingState{
		threads:      map[key[messaging.Thread]]messaging.Thread{},
		messages:     map[key[messaging.Thread]][]messaging.Message{},
		participants: map[key[messaging.Thread]]map[domain.GuardianID]messaging.Participant{},
		byGuardian:   map[key[domain.Guardian]]map[messaging.ThreadID]struct{}{},
		contacts:     map[key[domain.Guardian]]messaging.Contact{},
		deliveries:   map[key[messaging.Delivery]]messaging.Delivery{},
		byKey:        map[deliveryKey]messaging.DeliveryID{},
		pending:      map[key[messaging.Delivery]]struct{}{},
	}
}
