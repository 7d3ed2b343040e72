using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Swashbuckle.AspNetCore.Swagger;

namespace Relay.Hosting.OpenApi;

/// <summary>
/// Serves a document generated when the daemon was built, through the same middleware (JSON, YAML, the server it is
/// read from): a daemon compiled ahead of time cannot generate one, and a test keeps the stored one equal to what the
/// JIT build generates.
/// </summary>
internal sealed class StoredDocument(Func<Stream> open) : ISwaggerProvider
{
    public OpenApiDocument GetSwagger(string documentName, string? host = null, string? basePath = null)
    {
        // Read on every call: the middleware names the caller's host in the document it is given.
        using var stream = open();
        using var reader = new StreamReader(stream);
        var read = OpenApiDocument.Parse(reader.ReadToEnd(), OpenApiConstants.Json, new OpenApiReaderSettings());
        return read.Document
            ?? throw new InvalidOperationException(
                $"The stored API description does not read: {string.Join("; ", read.Diagnostic?.Errors ?? [])}"
            );
    }
}
