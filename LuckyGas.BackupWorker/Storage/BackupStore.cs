using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace LuckyGas.BackupWorker.Storage;

/// <summary>An encrypted backup object in S3 and its key.</summary>
public sealed record StoredObject(string Key, string Name, long Size, DateTimeOffset? CreatedAt);

/// <summary>The backup objects in S3: uploads with SHA-256 metadata, listing, download and deletion.</summary>
public sealed partial class BackupStore(IAmazonS3 s3, IOptions<S3Options> options, ILogger<BackupStore> logger)
{
    /// <summary>The user metadata key that contains the SHA-256 of the encrypted file.</summary>
    public const string Sha256MetadataKey = "sha256";

    private S3Options Settings => options.Value;

    /// <summary>Creates the S3 client with settings that work with AWS and with S3-compatible stores.</summary>
    public static AmazonS3Client CreateClient(S3Options settings)
    {
        var config = new AmazonS3Config
        {
            // Path-style addressing: the bucket name is not a host name on a local store.
            ForcePathStyle = true,
            AuthenticationRegion = settings.Region,
            // S3-compatible stores do not all support the checksums that the SDK adds by default.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(settings.ServiceUrl))
        {
            config.ServiceURL = settings.ServiceUrl;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.Region);
        }

        return string.IsNullOrEmpty(settings.AccessKeyId)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey), config);
    }

    /// <summary>Returns the object key of a backup's encrypted file.</summary>
    public string DataKey(string name) => Settings.Prefix + name + BackupManifest.DataExtension;

    /// <summary>Returns the object key of a backup's manifest.</summary>
    public string ManifestKey(string name) => Settings.Prefix + name + BackupManifest.ManifestExtension;

    /// <summary>
    /// Uploads <paramref name="path"/> as <paramref name="key"/> with its SHA-256 in metadata, in
    /// parts when it reaches <see cref="S3Options.MultipartThreshold"/>. A failed multipart upload
    /// is aborted before the exception leaves. Returns the number of parts, 1 for a single PUT.
    /// </summary>
    public async Task<int> UploadFileAsync(string path, string key, string sha256, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        if (size < Settings.MultipartThreshold)
        {
            var request = new PutObjectRequest
            {
                BucketName = Settings.BucketName,
                Key = key,
                FilePath = path,
                // s3rver stores an aws-chunked body as it arrives, signatures and all.
                UseChunkEncoding = false,
            };
            request.Metadata.Add(Sha256MetadataKey, sha256);
            await s3.PutObjectAsync(request, cancellationToken);
            return 1;
        }

        return await UploadMultipartAsync(path, key, sha256, size, cancellationToken);
    }

    private async Task<int> UploadMultipartAsync(string path, string key, string sha256, long size, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = Settings.BucketName, Key = key };
        initiate.Metadata.Add(Sha256MetadataKey, sha256);
        var upload = await s3.InitiateMultipartUploadAsync(initiate, cancellationToken);

        try
        {
            var parts = new List<PartETag>();
            var partNumber = 1;
            for (long position = 0; position < size; position += Settings.PartSize, partNumber++)
            {
                var partSize = Math.Min(Settings.PartSize, size - position);
                var response = await s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Settings.BucketName,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = partNumber,
                    FilePath = path,
                    FilePosition = position,
                    PartSize = partSize,
                    IsLastPart = position + partSize >= size,
                    UseChunkEncoding = false,
                }, cancellationToken);
                parts.Add(new PartETag(partNumber, response.ETag));
            }

            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Settings.BucketName,
                Key = key,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, cancellationToken);
            LogMultipartUploaded(logger, key, parts.Count, size);
            return parts.Count;
        }
        catch
        {
            await AbortQuietlyAsync(key, upload.UploadId);
            throw;
        }
    }

    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        try
        {
            await s3.AbortMultipartUploadAsync(Settings.BucketName, key, uploadId, CancellationToken.None);
        }
        catch (AmazonServiceException exception)
        {
            // NOTE: s3rver 3.7 does not implement AbortMultipartUpload; its unfinished parts are
            // never listed as an object. On AWS a lifecycle rule for incomplete uploads is the backstop.
            LogAbortFailed(logger, exception, key, uploadId);
        }
    }

    /// <summary>
    /// Reads the object's metadata and checks that its size and SHA-256 metadata match, which
    /// confirms the store has the whole file under the right key.
    /// </summary>
    /// <exception cref="BackupStepException">The object is missing or its size or SHA-256 differs.</exception>
    public async Task CheckUploadedAsync(string key, long size, string sha256, CancellationToken cancellationToken)
    {
        var head = await s3.GetObjectMetadataAsync(Settings.BucketName, key, cancellationToken);
        var stored = head.Metadata[Sha256MetadataKey];
        if (head.ContentLength != size || !string.Equals(stored, sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupStepException(BackupSteps.Upload,
                $"The uploaded object {key} has {head.ContentLength} bytes and SHA-256 metadata '{stored}', but the file " +
                $"has {size} bytes and SHA-256 {sha256}.");
        }
    }

    /// <summary>
    /// Downloads <paramref name="key"/> to <paramref name="path"/> and returns the SHA-256 of the
    /// downloaded bytes and the SHA-256 that the object's metadata records.
    /// </summary>
    public async Task<(string Actual, string? Recorded)> DownloadAsync(string key, string path, CancellationToken cancellationToken)
    {
        using var response = await s3.GetObjectAsync(Settings.BucketName, key, cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await response.ResponseStream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), response.Metadata[Sha256MetadataKey]);
    }

    /// <summary>Writes a manifest object.</summary>
    public async Task PutManifestAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Settings.BucketName,
            Key = ManifestKey(manifest.Name),
            InputStream = new MemoryStream(manifest.ToJson()),
            ContentType = "application/json",
            UseChunkEncoding = false,
        }, cancellationToken);
    }

    /// <summary>Reads a backup's manifest, or returns null when it has none.</summary>
    public async Task<BackupManifest?> GetManifestAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(Settings.BucketName, ManifestKey(name), cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return BackupManifest.FromJson(buffer.ToArray());
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Lists every object under the prefix, with names and times read from the keys.</summary>
    public async Task<List<StoredObject>> ListAsync(CancellationToken cancellationToken)
    {
        var objects = new List<StoredObject>();
        var request = new ListObjectsV2Request { BucketName = Settings.BucketName, Prefix = Settings.Prefix };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, cancellationToken);
            foreach (var entry in response.S3Objects ?? [])
            {
                var fileName = entry.Key[Settings.Prefix.Length..];
                var name = Path.GetFileNameWithoutExtension(fileName);
                objects.Add(new StoredObject(entry.Key, name, entry.Size ?? 0, BackupManifest.TryParseTime(name)));
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return objects;
    }

    /// <summary>Returns the names of backups that have a manifest, newest first.</summary>
    public async Task<List<string>> ListGoodBackupsAsync(CancellationToken cancellationToken)
    {
        var objects = await ListAsync(cancellationToken);
        var data = objects.Where(entry => entry.Key.EndsWith(BackupManifest.DataExtension, StringComparison.Ordinal))
            .Select(entry => entry.Name).ToHashSet(StringComparer.Ordinal);
        return objects
            .Where(entry => entry.Key.EndsWith(BackupManifest.ManifestExtension, StringComparison.Ordinal) && data.Contains(entry.Name))
            .OrderByDescending(entry => entry.CreatedAt)
            .ThenByDescending(entry => entry.Name, StringComparer.Ordinal)
            .Select(entry => entry.Name)
            .ToList();
    }

    /// <summary>Deletes an object; deleting a missing object succeeds.</summary>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await s3.DeleteObjectAsync(Settings.BucketName, key, cancellationToken);
    }

    [LoggerMessage(EventId = 7100, EventName = "MultipartUploaded", Level = LogLevel.Information,
        Message = "Uploaded {Key} in {Parts} parts, {SizeBytes} bytes")]
    private static partial void LogMultipartUploaded(ILogger logger, string key, int parts, long sizeBytes);

    [LoggerMessage(EventId = 7101, EventName = "MultipartAbortFailed", Level = LogLevel.Warning,
        Message = "Aborting multipart upload {UploadId} of {Key} failed")]
    private static partial void LogAbortFailed(ILogger logger, Exception exception, string key, string uploadId);
}
