"""
Category 3 (CNN on real-world images) - Horses or humans, with transfer learning
Question id: c3_horses_or_humans_transfer. Weight in the total: 3.

The horses and humans pictures again, now with a network trained on ImageNet: MobileNet v1 (width
0.25) and its ImageNet weights, which the exam's data cache provides. Build a model that takes one
picture resized to 128x128 RGB with pixels scaled to [0, 1], carries the frozen MobileNet as its
backbone, and returns one number: the probability that the picture shows a human (label 1; a horse
is label 0). The grader scores accuracy on the 256 separate validation pictures, which the training
loader never returns.

What the grader checks:
  - the file is a Keras model saved as mymodel.h5 (.h5),
  - input shape (128, 128, 3) (the batch dimension is not counted),
  - output shape (1,),
  - no Lambda layers (they cannot be loaded safely),
  - the metric on hidden data: accuracy (higher is better); scores 1/5: 0.75, 2/5: 0.8, 3/5: 0.85, 4/5: 0.9, 5/5: 0.93.

(Generated from hidden_tests/c3_horses_or_humans_transfer.toml; your code goes below this docstring.)
"""

import tensorflow as tf

from tfexam.data import data_file, training_data

# The grader does not run this file. It reads its own hidden pictures with the same steps as load_pictures()
# below and feeds them to your model, so keep these settings:
#   - IMAGE_SIZE: every 300x300 PNG is resized (bilinear) to 128x128 RGB (the PNG's alpha channel is dropped),
#     so the input is (128, 128, 3);
#   - scale(): pixels are divided by 255, so your model receives float32 values in [0, 1]. MobileNet was trained
#     on values in [-1, 1]: the Rescaling(2.0, offset=-1.0) layer inside the model converts them, keep it;
#   - the labels come from the folder names in alphabetical order: horses/ -> 0, humans/ -> 1. End the model
#     with Dense(1, activation="sigmoid"): its output is the probability of "human", and above 0.5 counts as human;
#   - the model must carry a MobileNet backbone (the grader checks for its depthwise convolutions).
IMAGE_SIZE = (128, 128)
CLASS_NAMES = ["horses", "humans"]
PIXEL_SCALE = 255.0
# BEGIN SOLUTION
BATCH_SIZE = 32
SEED = 0
# END SOLUTION
WEIGHTS = "keras-applications/mobilenet_2_5_224_tf_no_top.h5"  # the ImageNet weights, a file of the exam's data cache
# BEGIN STARTER: the starter also has these lines
#
# # Training choices: yours to change.
# BATCH_SIZE = 32
# END STARTER


def scale(pictures, labels):
    return pictures / PIXEL_SCALE, labels


def load_pictures(folder, shuffle=True, seed=0):
    # BEGIN STARTER: the starter also has these lines
    # """A tf.data.Dataset of (pictures float32 (batch, 128, 128, 3) in [0, 1], labels float32 (batch, 1))."""
    # END STARTER
    dataset = tf.keras.utils.image_dataset_from_directory(
        folder,
        labels="inferred",            # one sub-folder per class ...
        class_names=CLASS_NAMES,      # ... in this order, so horses are 0 and humans 1
        label_mode="binary",
        color_mode="rgb",
        image_size=IMAGE_SIZE,
        interpolation="bilinear",
        batch_size=BATCH_SIZE,
        shuffle=shuffle,
        seed=seed,
    )
    return dataset.map(scale)


# BEGIN SOLUTION
def backbone():
    """MobileNet v1 (width 0.25) with the ImageNet weights, frozen: it expects pixels in [-1, 1]."""
    base = tf.keras.applications.MobileNet(
        input_shape=IMAGE_SIZE + (3,), alpha=0.25, include_top=False, weights=str(data_file(WEIGHTS)))
    base.trainable = False
    return base


# Keras 2 (tf-keras, exam-era mode) has no RandomGrayscale layer: there the same augmentation runs in the input
# pipeline instead (the layer does nothing at prediction time, so the saved model works the same way).
GRAYSCALE_LAYER = getattr(tf.keras.layers, "RandomGrayscale", None)


def grayscale_half(pictures, labels):
    grey = tf.image.grayscale_to_rgb(tf.image.rgb_to_grayscale(pictures))
    keep = tf.random.uniform([tf.shape(pictures)[0], 1, 1, 1]) < 0.5
    return tf.where(keep, pictures, grey), labels
# END SOLUTION
# BEGIN STARTER: what the starter has here instead
# def mobilenet_weights():
#     """Path of the ImageNet weights of MobileNet v1, width 0.25, without its classifier (from the exam's data cache)."""
#     return str(data_file(WEIGHTS))
# END STARTER


def solution_model():
    # BEGIN SOLUTION
    tf.keras.utils.set_random_seed(SEED)
    training = load_pictures(training_data("c3_horses_or_humans_transfer"), seed=SEED).cache()
    if GRAYSCALE_LAYER is None:
        training = training.map(grayscale_half)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # folder = training_data("c3_horses_or_humans_transfer")  # holds horses/ (500 PNGs) and humans/ (527 PNGs)
    # training = load_pictures(folder).cache()  # decode once, reuse in every epoch
    # END STARTER

    # BEGIN SOLUTION
    # The frozen ImageNet features already tell a horse's shape from a person's; only the small head learns.
    # The hidden pictures show small figures on plain white backgrounds, the training ones larger figures in
    # scenes, so zooming out onto a white border and flipping teach the head that difference, and random greyscale
    # keeps it from leaning on colour. MobileNet's batch normalisation stays in inference mode (trainable False).
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # # YOUR CODE HERE: transfer learning, then a longer training run.
    # # The stub below runs end to end and has the right shape, but its MobileNet starts from random weights
    # # (weights=None), so its features mean nothing and the model cannot beat a coin toss. To do:
    # #   - build the backbone with weights=mobilenet_weights(), the ImageNet weights file, and keep it frozen
    # #     (backbone.trainable = False): only the layers after it learn;
    # #   - keep, in this order: the Input, Rescaling(2.0, offset=-1.0) (MobileNet was trained on pixels in
    # #     [-1, 1], the grader feeds [0, 1]), the backbone, then your layers ending in Dense(1, activation="sigmoid");
    # #   - the backbone outputs (batch, 4, 4, 256) feature maps; GlobalAveragePooling2D() turns them into one
    # #     vector of 256 features per picture;
    # #   - the hidden pictures are not like the training ones in every way (poses, backgrounds, size of the figure):
    # #     augmentation layers placed right after the Input, such as tf.keras.layers.RandomFlip("horizontal") or
    # #     RandomZoom(0.2), show the model varied copies while training and do nothing when the grader predicts;
    # #   - hold some pictures back to watch for overfitting: image_dataset_from_directory(..., validation_split=0.2,
    # #     subset="training" / "validation", seed=0).
    # backbone = tf.keras.applications.MobileNet(
    #     input_shape=IMAGE_SIZE + (3,), alpha=0.25, include_top=False, weights=None)
    # backbone.trainable = False
    # END STARTER
    model = tf.keras.Sequential([
        tf.keras.Input(shape=IMAGE_SIZE + (3,)),
        # BEGIN SOLUTION
        tf.keras.layers.RandomFlip("horizontal"),
        tf.keras.layers.RandomZoom((0.0, 0.5), fill_mode="constant", fill_value=1.0),
        *([GRAYSCALE_LAYER(factor=0.5)] if GRAYSCALE_LAYER else []),
        # END SOLUTION
        tf.keras.layers.Rescaling(2.0, offset=-1.0),      # [0, 1] -> [-1, 1], what MobileNet was trained on
        # BEGIN SOLUTION
        backbone(),
        # END SOLUTION
        # BEGIN STARTER: what the starter has here instead
        # backbone,
        # END STARTER
        tf.keras.layers.GlobalAveragePooling2D(),
        # BEGIN SOLUTION
        tf.keras.layers.Dropout(0.3),
        # END SOLUTION
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    # BEGIN SOLUTION
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(training, epochs=6, shuffle=False, verbose=2)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    # # shuffle=False: load_pictures() already shuffles; this only stops Keras warning that it cannot shuffle a dataset
    # model.fit(training, epochs=1, shuffle=False, verbose=2)
    # END STARTER
    return model


# Run this file to train and save the model; then use "Submit and Test".
# Keep the file name mymodel.h5: that is the file the grader reads.
if __name__ == "__main__":
    model = solution_model()
    model.save("mymodel.h5")
