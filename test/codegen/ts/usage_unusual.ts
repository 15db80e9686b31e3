// The file of project 4 (unusual names) type-checks, and its events are
// there under their own names.
import posthog from './unusual'

posthog.capture('func', {
    func: 'f', type: 1, '1': true, '': 'e', 'a-b': 'x', a_b: 'y', distinctId: 'd', options: 'o',
    props: {}, base: [], time: new Date(),
})
posthog.capture('A B', { kind: 'a b', flag: false, level: 1.5 })
posthog.capture('123', { '123': 'x' })
posthog.capture('')
posthog.capture('\u00fcn\u00efc\u00f6d\u00e9')
