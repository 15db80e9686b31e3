// A property of the wrong type: tsc must reject this.
import posthog from './typed'

posthog.capture('test_event', { required_field: 'one' })
