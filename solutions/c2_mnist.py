"""
Category 2 (Basic datasets) - Handwritten digits (MNIST)
Question id: c2_mnist. Weight in the total: 2.

Small greyscale pictures of handwritten digits 0 to 9, 28x28 pixels. Train a model that takes one
picture as a (28, 28) array of pixels scaled to [0, 1] and returns 10 numbers, one per digit: the
largest one is its answer. The grader scores accuracy on the 10,000 official test digits, which the
training loader never returns.

What the grader checks:
  - the file is a Keras model saved as mymodel.h5 (.h5),
  - input shape (28, 28) exactly (the batch dimension is not counted),
  - output shape (10,),
  - no Lambda layers (they cannot be loaded safely),
  - the metric on hidden data: accuracy (higher is better); scores 1/5: 0.8, 2/5: 0.95, 3/5: 0.965, 4/5: 0.975, 5/5: 0.98.

(Generated from hidden_tests/c2_mnist.toml; your code goes below this docstring.)
"""

import tensorflow as tf

from tfexam.data import training_data

# The grader does not run this file. It takes the 10,000 official test digits (the loader below never returns
# them), passes each one through scale() exactly as written here, and takes the largest of your model's 10
# outputs as its answer. So:
#   - the model's input is one picture as a (28, 28) array: no resizing, and no channel axis added outside the
#     model (for Conv2D, put tf.keras.layers.Reshape((28, 28, 1)) inside the model, right after the Input);
#   - the last layer has 10 units, output i for the digit i; softmax probabilities and raw logits (then compile
#     with from_logits=True) grade the same, since only the largest output counts.
PIXEL_SCALE = 255.0
CLASS_NAMES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]


def scale(images):
    # BEGIN STARTER: the starter also has these lines
    # """uint8 pixels 0..255 -> float32 in [0, 1]: the numbers your model is graded on."""
    # END STARTER
    return images.astype("float32") / PIXEL_SCALE


# BEGIN SOLUTION
class StopAtAccuracy(tf.keras.callbacks.Callback):
    """Ends training once the training accuracy passes `target`: more epochs would only cost time."""

    def __init__(self, target):
        super().__init__()
        self.target = target

    def on_epoch_end(self, epoch, logs=None):
        if (logs or {}).get("accuracy", 0.0) >= self.target:
            self.model.stop_training = True


# END SOLUTION
def solution_model():
    # The 60,000 training digits from the official MNIST IDX files: the same arrays as the training half of
    # tf.keras.datasets.mnist.load_data(), read from the exam's dataset cache instead of the internet.
    images, labels = training_data("c2_mnist")  # uint8 (60000, 28, 28) and uint8 (60000,) with values 0..9
    images = scale(images)

    # BEGIN SOLUTION
    # One convolution block is enough for digits: strokes are simple local shapes. The Reshape adds the channel
    # axis inside the model, so the input stays (28, 28). Training stops at 99.5% training accuracy or 4 epochs.
    tf.keras.utils.set_random_seed(7)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # # YOUR CODE HERE: a better model and a longer training run.
    # # The stub below runs end to end, but one pass of a single Dense layer is far from the accuracy needed.
    # # Tips: model.fit(..., validation_split=0.1) shows how well the model does on digits it did not train on, and
    # # a callback (tf.keras.callbacks.EarlyStopping, or your own that stops at a target accuracy) ends training
    # # when more epochs no longer help.
    # END STARTER
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        # BEGIN SOLUTION
        tf.keras.layers.Reshape((28, 28, 1)),
        tf.keras.layers.Conv2D(32, 3, activation="relu"),
        tf.keras.layers.MaxPooling2D(),
        # END SOLUTION
        tf.keras.layers.Flatten(),
        # BEGIN SOLUTION
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(128, activation="relu"),
        # END SOLUTION
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    # BEGIN SOLUTION
    # steps_per_execution: TensorFlow runs 50 batches per call, so a network this small is not slowed down by the
    # fixed cost of each call (the same training, about a third less time here).
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=50)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # END STARTER
    # BEGIN SOLUTION
    model.fit(images, labels, epochs=4, batch_size=64, callbacks=[StopAtAccuracy(0.995)], verbose=2)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # model.fit(images, labels, epochs=1, verbose=2)
    # END STARTER
    return model


# Run this file to train and save the model; then use "Submit and Test".
# Keep the file name mymodel.h5: that is the file the grader reads.
if __name__ == "__main__":
    model = solution_model()
    model.save("mymodel.h5")
