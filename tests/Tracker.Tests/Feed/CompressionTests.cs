using System.IO.Compression;
using System.Net.Http.Headers;

namespace Tracker.Tests.Feed;

/// <summary>
/// The feed and large JSON answers honour Accept-Encoding on the real server: gzip (what Power BI sends) or br, streamed,
/// decoding to exactly the uncompressed answer; small answers and clients that accept neither get identity.
/// </summary>
[Collection("feed")]
public sealed class CompressionTests(FeedFixture feed)
{
    private const string Rows = "/api/odata/Updates?$top=5000";

    [Fact]
    public async Task TheFeedIsGzipOrBrAsAskedAndDecodesToTheSameRows()
    {
        var plain = await GetAsync(Rows, null);
        Assert.Empty(plain.Encoding);

        var gzip = await GetAsync(Rows, "gzip, deflate");
        Assert.Equal(["gzip"], gzip.Encoding);
        Assert.Contains("Accept-Encoding", gzip.Vary);
        Assert.True(gzip.Bytes.Length * 5 <= plain.Bytes.Length, $"gzip: {gzip.Bytes.Length} of {plain.Bytes.Length} bytes");
        Assert.Equal(plain.Bytes, await DecodeAsync(new GZipStream(new MemoryStream(gzip.Bytes), CompressionMode.Decompress)));

        var br = await GetAsync(Rows, "br;q=1.0, gzip;q=0.8, *;q=0.1");
        Assert.Equal(["br"], br.Encoding);
        Assert.Equal(plain.Bytes, await DecodeAsync(new BrotliStream(new MemoryStream(br.Bytes), CompressionMode.Decompress)));
    }

    [Fact]
    public async Task NeitherCodingAcceptedOrASmallAnswerIsSentAsItIs()
    {
        Assert.Empty((await GetAsync(Rows, "gzip;q=0, deflate")).Encoding);
        Assert.Empty((await GetAsync(Rows, "identity")).Encoding);
        Assert.Empty((await GetAsync("/api/health", "gzip")).Encoding); // under 1 KiB
        Assert.Equal(["br"], (await GetAsync(Rows, "*")).Encoding); // any coding: br
    }

    private async Task<(byte[] Bytes, IReadOnlyList<string> Encoding, IReadOnlyList<string> Vary)> GetAsync(string path, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        using var response = await feed.Admin.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsByteArrayAsync(), [.. response.Content.Headers.ContentEncoding], [.. response.Headers.Vary]);
    }

    private static async Task<byte[]> DecodeAsync(Stream decoder)
    {
        await using (decoder)
        {
            using var copy = new MemoryStream();
            await decoder.CopyToAsync(copy);
            return copy.ToArray();
        }
    }
}
