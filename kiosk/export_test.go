package kiosk

// StatusURL is statusURL, for tests of the address a QR code holds.
var StatusURL = statusURL
