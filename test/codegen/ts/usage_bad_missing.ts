// A required property left out: tsc must reject this, naming it.
import posthog from './typed'

posthog.capture('test_event', { optional_field: 'x' })
