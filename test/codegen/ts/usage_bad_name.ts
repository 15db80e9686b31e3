// A misspelled event name as a literal: tsc must reject this.
import posthog from './typed'

posthog.capture('test_evnt', { required_field: 1 })
