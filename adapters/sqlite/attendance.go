package sqlite

// attendanceQueries are the statements of the attendance store port that Open prepares.
var attendanceQueries = []string{}
