package scimfilter

// Lenient exposes lenient to the external tests.
var Lenient = lenient
