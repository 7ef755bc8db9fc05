package sqlite

// messagingQueries are the statements of the messaging store port that Open prepares.
var messagingQueries = []string{}
