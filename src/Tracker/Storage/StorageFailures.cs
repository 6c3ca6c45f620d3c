using System.Net.Sockets;
using Azure;

namespace Tracker.Storage;

/// <summary>Tells a storage outage (answered 503) from a bug (a 500).</summary>
public static class StorageFailures
{
    public static bool IsUnavailable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RequestFailedException { Status: 0 or >= 500 }:
                case RequestFailedException { Status: 404, ErrorCode: "TableNotFound" }:
                case HttpRequestException:
                case SocketException:
                case IOException:
                case TimeoutException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsUnavailable):
                    return true;
            }
        }
        return false;
    }
}
