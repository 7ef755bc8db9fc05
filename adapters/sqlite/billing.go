package sqlite

// billingQueries are the statements of the billing store port that Open prepares.
var billingQueries = []string{}
