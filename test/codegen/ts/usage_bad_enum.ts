// A string that the property's enum rule does not allow: tsc must reject this.
import posthog from './typed'

posthog.capture('plan_selected', { plan: 'enterprize', seats: 5 })
