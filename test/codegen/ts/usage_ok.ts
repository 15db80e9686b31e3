// Correct uses of the generated typed.ts (fixture.sql project 1): tsc
// --strict must accept them.
import posthog from './typed'
import type { EventName, EventProperties, EventSchemas, TypedPostHog } from './typed'
import emptyPosthog from './empty'
import mergedPosthog from './merged'
import type { CaptureResult } from 'posthog-js'

posthog.init('<ph_project_api_key>', { api_host: 'https://us.i.posthog.com' })
const result: CaptureResult | undefined = posthog.capture('test_event', { required_field: 1 })
posthog.capture('test_event', { required_field: 1, optional_field: 'x' })
posthog.capture('test_event', { required_field: 1, extra: [true] }, { send_instantly: true })
posthog.capture('optional_event')
posthog.capture('optional_event', { optional_only: 'y' })
posthog.capture('untyped_event')
posthog.capture('untyped_event', { anything: [1, 2] })
posthog.capture("a'a\\'b\"c>?>%}}%%>c<[[?${{%}}cake'", { 'quote"d': true })
posthog.capture('file_downloaded', { downloaded_at: new Date(), file_name: 'a.pdf', file_size: 3 })
posthog.capture('file_downloaded', { downloaded_at: '2024-01-02', file_name: 'a', file_size: 3, file_extension: 'pdf' })
posthog.capture('user signed up', { email: 'a@b.c' })
posthog.capture('user_signed_up', {
    email: 'a@b.c', plan: 'free', tags: [1, 'x'], settings: { k: 1 }, is_trial: false, signed_up_at: new Date(),
})
posthog.capture('$pageview', { $current_url: 'https://example.com/' })
posthog.capture('caf\u00e9 \u2615', { 'na\u00efve': 1 })
posthog.capture('ctl\u0001\n\t"\\', { 'p"r\\o\np\ufeff\u2028': 'x' })
posthog.capture('del\u007f\u2028\ufeff')
posthog.capture('\u65e5\u672c\u8a9e')
posthog.capture('')
posthog.capture('keywords', {
    Any: '', Dict: '', List: '', None: '', Optional: '', OptionalCaptureArgs: '', True: '', Unpack: '',
    base: '', bool: '', break: '', c: '', class: '', datetime: '', def: '', distinctId: '', distinct_id: '',
    extra_properties: '', float64: '', func: '', go: '', interface: '', k: '', kwargs: '', lambda: '',
    map: '', nil: '', option: '', options: '', p: '', posthog: '', properties: '', props: '', range: '',
    self: '', str: '', string: '', time: '', true: '', type: '', v: '', o_self: '',
})
// value rules: the allowed literals; source is required but optional in types
posthog.capture('plan_selected', { plan: 'pro', seats: 5 })
posthog.capture('plan_selected', { plan: 'enterprise', seats: 10, ratio: 0.5, annual: true, source: 'ads' })
const chosen: EventSchemas['plan_selected']['plan'] = 'free'
posthog.capture('plan_selected', { plan: chosen, seats: 1, ratio: 1 })
posthog.captureRaw('anything_at_all', { free: 'form' })
posthog.captureRaw('test_event')

// a name only known at run time is a plain string: accepted, untyped
const dynamic: string = ['a', 'b'][Math.floor(Math.random() * 2)]
posthog.capture(dynamic, { free: 'form' })
posthog.capture(dynamic)

// the rest of posthog-js is still there
posthog.identify('user_1')
posthog.reset()

// the exported types
const name: EventName = 'file_downloaded'
const props: EventProperties<'test_event'> = { required_field: 2, extra: 'ok' }
const schema: EventSchemas['test_event'] = { required_field: 3 }
const client: TypedPostHog = posthog
client.capture(name, { downloaded_at: new Date(), file_name: 'b', file_size: 1 })
client.capture('test_event', props)
void result, schema

// a project without events still offers captureRaw; merged fields are typed once
emptyPosthog.captureRaw('x')
mergedPosthog.capture('merged', { when: true })
