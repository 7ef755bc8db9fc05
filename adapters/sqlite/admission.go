package sqlite

// admissionQueries are the statements of the admission store port that Open prepares.
var admissionQueries = []string{}
