using AkkaWsgi.Python.Wsgi;

namespace AkkaWsgi.Actors.Dispatch;

/// <summary>A request handed to the dispatcher: waiting in its queue, then run by an interpreter worker.</summary>
public interface IRequestJob
{
    IWsgiExchange Exchange { get; }

    RequestInfo Info { get; }

    /// <summary>True when the client went away before the request ran; it is then dropped without running.</summary>
    bool IsAbandoned { get; }

    /// <summary>Ends the job: the connection side may finish the response. Called exactly once.</summary>
    void Complete();

    /// <summary>Answers the request without running it (an empty response with this status), then completes it.</summary>
    void Reject(int statusCode, TimeSpan? retryAfter);
}
