package policy

// The response headers the HTTPS listener sets on every response (the
// listener attributes routing.http.response.*.header_value, Application
// Load Balancer user guide, "HTTP headers and Application Load Balancers");
// the tls component sets them and cmd/verify expects them as served.
const (
	// HSTS is the Strict-Transport-Security value: two years, subdomains
	// too.
	HSTS = "max-age=63072000; includeSubDomains"
	// ContentTypeOptions is the X-Content-Type-Options value.
	ContentTypeOptions = "nosniff"
	// FrameOptions is the X-Frame-Options value.
	FrameOptions = "DENY"
)
