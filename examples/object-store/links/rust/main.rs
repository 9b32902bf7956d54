use async_nats::jetstream::{
    self,
    object_store::{self, GetErrorKind, ObjectInfo, ObjectStore},
};
use tokio::io::AsyncReadExt;

/// Prints what an entry is: a plain object with its size, a link to one
/// object, or a link to a whole bucket.
fn describe(info: &ObjectInfo) {
    match info.options.as_ref().and_then(|o| o.link.as_ref()) {
        None => println!("{} is an object of {} bytes", info.name, info.size),
        Some(link) => match &link.name {
            None => println!("{} is a link to bucket {}", info.name, link.bucket),
            Some(name) => println!("{} is a link to {}/{}", info.name, link.bucket, name),
        },
    }
}

/// Reads an entry into memory, following a link like `get` does, and
/// decodes it as text.
async fn read_text(store: &ObjectStore, name: &str) -> Result<String, async_nats::Error> {
    let mut object = store.get(name).await?;
    let mut text = String::new();
    object.read_to_string(&mut text).await?;
    Ok(text)
}

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    // The server address comes from `NATS_URL`; the object store lives in
    // JetStream, so that server must have it enabled.
    let url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let client = async_nats::connect(url).await?;
    let js = jetstream::new(client);

    // Two buckets: `assets` holds what a web site serves, `archive` holds
    // retired files. Each bucket is a stream of its own.
    let assets = js
        .create_object_store(object_store::Config {
            bucket: "assets".into(),
            ..Default::default()
        })
        .await?;
    let archive = js
        .create_object_store(object_store::Config {
            bucket: "archive".into(),
            ..Default::default()
        })
        .await?;
    println!("Created buckets assets and archive");

    // Upload the current logo under a versioned name. A short text stands
    // in for the image bytes; `put` reads the content from any `AsyncRead`.
    let v2 = assets
        .put("logo-v2.png", &mut "logo, second edition".as_bytes())
        .await?;
    describe(&v2);

    // `add_link` stores a link entry: a metadata record without chunks that
    // names the target's bucket and object. Pages refer to `logo.png` and
    // never need to know which version is current.
    describe(&assets.add_link("logo.png", &v2).await?);

    // Reading a link follows it: the result is the target's content.
    println!("logo.png reads {:?}", read_text(&assets, "logo.png").await?);

    // A new version is uploaded next to the old one. Adding a link under a
    // name that already holds a link replaces it, so re-pointing is one
    // call; readers switch over at once. (A name that holds a real object
    // cannot be turned into a link.)
    let v3 = assets
        .put("logo-v3.png", &mut "logo, third edition".as_bytes())
        .await?;
    describe(&v3);
    assets.add_link("logo.png", &v3).await?;
    describe(&assets.info("logo.png").await?);
    println!("logo.png reads {:?}", read_text(&assets, "logo.png").await?);

    // A bucket link points at a whole bucket rather than one object. It
    // cannot be read as data; a reader looks up the bucket it names and
    // opens that bucket instead.
    archive
        .put("logo-v1.png", &mut "logo, first edition".as_bytes())
        .await?;
    assets.add_bucket_link("old-logos", "archive").await?;
    let bucket_link = assets.info("old-logos").await?;
    describe(&bucket_link);
    match assets.get("old-logos").await {
        Err(err) if err.kind() == GetErrorKind::BucketLink => {
            println!("old-logos cannot be read as data: it links to a bucket")
        }
        Err(err) => return Err(err.into()),
        Ok(_) => return Err("reading old-logos: expected a bucket-link error".into()),
    }
    let linked_name = bucket_link
        .options
        .and_then(|o| o.link)
        .map(|l| l.bucket)
        .ok_or("old-logos is not a link")?;
    let linked = js.get_object_store(&linked_name).await?;
    println!(
        "{linked_name}/logo-v1.png reads {:?}",
        read_text(&linked, "logo-v1.png").await?
    );

    // Links are not reference counted: deleting the target leaves the link
    // in place, pointing at nothing. Reading through it reports that the
    // object is not found.
    assets.delete("logo-v3.png").await?;
    println!("Deleted logo-v3.png");
    describe(&assets.info("logo.png").await?);
    match assets.get("logo.png").await {
        Err(err) if err.kind() == GetErrorKind::NotFound => {
            println!("logo.png cannot be read: its target is not found")
        }
        Err(err) => return Err(err.into()),
        Ok(_) => return Err("reading logo.png: expected not found".into()),
    }
    Ok(())
}
