#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One object per thread, created on the thread's first use and released when the thread ends.
///
/// For scratch state that a thread reuses from one file to the next (buffers, the folder being
/// walked): no lock, because no other thread ever sees it.
public final class ThreadLocal<Value: AnyObject>: @unchecked Sendable {
    private let key: pthread_key_t
    private let make: @Sendable () -> Value

    /// A slot whose value `make` creates on each thread's first ``value`` read.
    public init(_ make: @escaping @Sendable () -> Value) {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<AnyObject>.fromOpaque(pointer).release()
        }
        precondition(created == 0, "pthread_key_create failed")
        self.key = key
        self.make = make
    }

    /// The calling thread's value.
    public var value: Value {
        if let existing = pthread_getspecific(key) {
            return Unmanaged<Value>.fromOpaque(existing).takeUnretainedValue()
        }
        let value = make()
        // Released (as any object: the destructor cannot know `Value`) when the thread ends.
        pthread_setspecific(key, Unmanaged.passRetained(value).toOpaque())
        return value
    }
}
