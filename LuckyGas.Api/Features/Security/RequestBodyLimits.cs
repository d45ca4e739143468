using Microsoft.AspNetCore.Http.Metadata;

namespace LuckyGas.Api.Features.Security;

/// <summary>
/// The request body limit of an endpoint. The routing middleware applies it to Kestrel's
/// <c>IHttpMaxRequestBodySizeFeature</c>, and <see cref="RequestSecurityMiddleware"/> turns a body
/// over the limit into a 413 problem.
/// </summary>
/// <param name="MaxRequestBodySize">The maximum body size in bytes.</param>
public sealed record RequestBodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;

/// <summary>The body size classes of the API's endpoints.</summary>
public static class RequestBodyLimits
{
    /// <summary>
    /// The largest body any endpoint accepts, and the limit of endpoints without their own: 1 MiB.
    /// The edge's <c>client_max_body_size 1m</c> matches it.
    /// </summary>
    public const long Default = 1024 * 1024;

    /// <summary>Sign-in and account requests: a few short strings, 16 KiB.</summary>
    public const long Small = 16 * 1024;

    /// <summary>Sets the request body limit of the endpoints that <paramref name="builder"/> configures.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long maxBytes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, Default);
        return builder.WithMetadata(new RequestBodyLimit(maxBytes));
    }

    /// <summary>Returns the limit of the request's endpoint, or <see cref="Default"/>.</summary>
    public static long For(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? Default;
}

/// <summary>
/// A request body that counts the bytes read and throws a 413 <see cref="BadHttpRequestException"/>
/// past the limit, so the limit holds for chunked bodies without a <c>Content-Length</c>, and
/// nothing is buffered beyond what the reader asks for.
/// </summary>
internal sealed class LimitedRequestStream(Stream inner, long limit) : Stream
{
    private long _read;

    /// <summary>Whether the body went past the limit.</summary>
    public bool Exceeded { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(Guard(() => inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return Count(await inner.ReadAsync(buffer, cancellationToken));
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            Exceeded = true;
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Guard(Func<int> read)
    {
        try
        {
            return read();
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            Exceeded = true;
            throw;
        }
    }

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            Exceeded = true;
            throw new BadHttpRequestException(
                $"The request body is larger than the limit of {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        return read;
    }
}
