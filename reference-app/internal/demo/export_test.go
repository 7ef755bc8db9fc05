package demo

// PlaceName is placeName, for the tests of package demo_test.
var PlaceName = placeName
